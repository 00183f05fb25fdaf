import copy, io, json, time, uuid
import pytest
from equilibri.services.hsds.interchange import export_json, import_hsds
from .conftest import make_catalogue

@pytest.mark.django_db
def test_perf(tmp_path, user_of):
    cat = make_catalogue()
    out = io.StringIO(); export_json(out); data = json.loads(out.getvalue())
    base = next(s for s in data["services"] if s["id"] == str(cat.camp.uuid))
    N = 10000
    services = []
    def renew(obj):
        if isinstance(obj, dict):
            for k, v in list(obj.items()):
                if k == "id":
                    obj[k] = str(uuid.uuid4())
                else:
                    renew(v)
        elif isinstance(obj, list):
            for x in obj: renew(x)
    for i in range(N):
        s = copy.deepcopy(base)
        attrs = s.pop("attributes")
        org = s.pop("organization")
        renew(s)
        for a in attrs: a["id"] = str(uuid.uuid4())
        s["attributes"] = attrs; s["organization"] = org
        s["name"] = f"Servizio {i}"
        services.append(s)
    data["services"] = services
    p = tmp_path / "big.json"; p.write_text(json.dumps(data))
    print("size MB", p.stat().st_size / 1e6)
    from django.test import override_settings
    with override_settings(HSDS_IMPORT_MAX_BYTES=10**10):
        import cProfile, pstats
        pr = cProfile.Profile(); pr.enable()
        t = time.time(); r = import_hsds(p, by=None); print("import", N, time.time() - t, r.summary(), r.errors[:3])
        pr.disable(); pstats.Stats(pr).sort_stats("cumulative").print_stats(35)
        t = time.time(); r = import_hsds(p, by=None); print("reimport", N, time.time() - t, r.summary())
