"""Hostile archives and documents given to the HSDS import: each is refused whole with a clear
message, after reading no more than a limit's worth of it, and nothing is written. The files are
made here, by the tests."""

import io
import json
import os
import stat
import tracemalloc
import zipfile

import pytest
from django.test import override_settings

from equilibri.catalogue.hsds import reading
from equilibri.catalogue.hsds.interchange import import_hsds
from equilibri.catalogue.models import Location, Service

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def operator(user_of):
    return user_of("admin")


class Upload(io.BytesIO):
    """An uploaded file as the view hands it over: a name and a size the client declared."""

    def __init__(self, content: bytes, name: str = "catalogo.zip", size: int | None = None):
        super().__init__(content)
        self.name = name
        self.size = len(content) if size is None else size


def refused(content: bytes, operator, name: str = "catalogo.zip") -> str:
    """The import of `content`: refused, nothing written; its messages joined."""
    before = (Service.objects.count(), Location.objects.count())
    report = import_hsds(Upload(content, name), by=operator)
    assert not report.ok
    assert not report.written
    assert (Service.objects.count(), Location.objects.count()) == before
    return " ".join(f"{e.file} {e.message}" for e in report.errors)


def archive(*members: tuple[zipfile.ZipInfo | str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            zf.writestr(info, data)
    return out.getvalue()


def bomb_member(name: str, size: int) -> bytes:
    """A zip whose one member expands to `size` bytes of the same CSV row (about 1:1000)."""
    out = io.BytesIO()
    row = b"00000000-0000-4000-8000-000000000000,x,x\n"
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w") as zf, zf.open(info, "w", force_zip64=True) as member:
        member.write(b"id,name,description\n")
        block = row * (MB // len(row))
        for _ in range(size // len(block)):
            member.write(block)
    return out.getvalue()


def test_a_zip_bomb_is_refused_after_reading_a_little_of_it(operator):
    bomb = bomb_member("services.csv", 128 * MB)
    assert len(bomb) < 4 * MB  # a small upload, far under HSDS_IMPORT_MAX_BYTES
    tracemalloc.start()
    try:
        message = refused(bomb, operator)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "compresso in modo anomalo" in message
    assert "services.csv" in message
    # Reading stopped once the member passed 100 times its compressed size, not after 128 MB.
    assert peak < 100 * len(bomb) + 16 * MB < 128 * MB


def test_the_total_uncompressed_size_is_bounded_whatever_the_ratio(operator):
    # Ten members that hardly compress, together over the total.
    lines = 8192
    members = [(f"t{i}.csv", os.urandom(32 * lines).hex("\n", 32).encode()) for i in range(10)]
    with override_settings(HSDS_IMPORT_MAX_UNCOMPRESSED_BYTES=4 * MB):
        message = refused(archive(*members), operator)
    assert "decompresso supera il massimo" in message


def declaring_ten_gigabytes(rows: int) -> bytes:
    """A zip whose services.csv has `rows` rows; its central directory says 10 GB."""
    out = io.BytesIO()
    row = b"00000000-0000-4000-8000-000000000000,x,x\n"
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("services.csv", b"id,name,description\n" + row * rows)
        zf.infolist()[0].file_size = 10 * 1024**3  # written into the central directory
    raw = out.getvalue()
    assert zipfile.ZipFile(io.BytesIO(raw)).getinfo("services.csv").file_size == 10 * 1024**3
    return raw


def test_a_member_declaring_ten_gigabytes_is_read_only_up_to_the_limit(operator):
    """The size in the central directory is neither feared nor believed: the bytes read are
    counted, and reading stops at the limit."""
    with override_settings(HSDS_IMPORT_MAX_UNCOMPRESSED_BYTES=MB, HSDS_IMPORT_MAX_RATIO=10**6):
        message = refused(declaring_ten_gigabytes(50_000), operator)
    assert "decompresso supera il massimo" in message
    # A member that is small in truth is read, and checked for what it holds.
    message = refused(declaring_ten_gigabytes(1), operator)
    assert "Schema HSDS" in message
    assert "byte" not in message


@pytest.mark.parametrize(
    "name",
    [
        "../services.csv",
        "pacchetto/../../services.csv",
        "/etc/services.csv",
        "pacchetto\\services.csv",
        "C:/services.csv",
    ],
)
def test_member_names_that_leave_the_folder_are_refused(operator, name):
    message = refused(archive((name, b"id,name\n")), operator)
    assert "nome di file non ammesso" in message
    assert name in message


def test_symlinks_and_special_files_are_refused(operator):
    link = zipfile.ZipInfo("services.csv")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    message = refused(archive((link, b"/etc/passwd")), operator)
    assert "non è un file ordinario" in message
    fifo = zipfile.ZipInfo("locations.csv")
    fifo.external_attr = (stat.S_IFIFO | 0o644) << 16
    assert "non è un file ordinario" in refused(archive((fifo, b"")), operator)


def test_too_many_members_are_refused(operator):
    members = [(f"t{i}.csv", b"id\n") for i in range(12)]
    with override_settings(HSDS_IMPORT_MAX_MEMBERS=10):
        message = refused(archive(*members), operator)
    assert "troppi file (12; massimo 10)" in message


def test_csv_rows_columns_and_bad_bytes_are_refused(operator):
    rows = b"id,name\n" + b"x,y\n" * 20
    with override_settings(HSDS_IMPORT_MAX_OBJECTS=10):
        assert "troppe righe" in refused(archive(("services.csv", rows)), operator)
    wide = b",".join(b"c%d" % i for i in range(5000)) + b"\n"
    assert "troppe colonne" in refused(archive(("services.csv", wide)), operator)
    assert "UTF-8" in refused(archive(("services.csv", b"id,name\n\xff\xfe,x\n")), operator)
    long_cell = b'id,name\nx,"' + b"y" * 200_000 + b'"\n'  # past the csv module's field limit
    assert "CSV" in refused(archive(("services.csv", long_cell)), operator)


def test_json_nested_two_hundred_thousand_deep_is_refused(operator):
    for deep in (b"[" * 200_000 + b"]" * 200_000, b'{"a":' * 200_000 + b"1" + b"}" * 200_000):
        message = refused(deep, operator, "profondo.json")
        assert "annidato troppo in profondità" in message
    # Unclosed: the parser would recurse just the same.
    assert "profondità" in refused(b"[" * 200_000, operator, "aperto.json")


def test_a_five_thousand_digit_number_is_refused(operator):
    document = b'{"services": [{"name": "x", "minimum_age": ' + b"9" * 5001 + b"}]}"
    message = refused(document, operator, "numero.json")
    assert "numero di più di 100 caratteri" in message


def test_too_many_json_objects_are_refused(operator):
    with override_settings(HSDS_IMPORT_MAX_OBJECTS=1000):
        message = refused(json.dumps([{}] * 1000).encode(), operator, "molti.json")
    assert "troppi oggetti" in message


def test_a_folder_of_csv_files_is_bounded_as_a_whole(operator, tmp_path):
    for i in range(3):
        (tmp_path / f"t{i}.csv").write_bytes(b"id\n" + b"x\n" * 1000)
    with override_settings(HSDS_IMPORT_MAX_UNCOMPRESSED_BYTES=5000):
        report = import_hsds(tmp_path, by=operator)
    assert "al massimo 5000 byte" in report.errors[0].message
    assert report.errors[0].file == "t2.csv"


def test_the_size_an_upload_declares_is_not_believed(operator):
    with override_settings(HSDS_IMPORT_MAX_BYTES=1000):
        report = import_hsds(Upload(b"[" + b"1," * 2000 + b"1]", "x.json", size=10), by=operator)
    assert "troppo grande" in report.errors[0].message


def test_brackets_and_digits_inside_strings_are_not_structure():
    """The limits count the document's own objects and numbers, not text that looks like them."""
    limits = reading.Limits.from_settings()
    text = "[" * 500 + "{" * 500 + "9" * 500 + '\\"]]]'
    document = json.dumps([{"description": text}] * 3).encode()
    assert reading.parse_json(document, limits)[0]["description"] == text
    # While the same characters outside strings are refused.
    with pytest.raises(reading.Refused):
        reading.parse_json(b"[" * 500 + b"]" * 500, limits)


# --- through the page and the task worker ------------------------------------------------------


def test_a_hostile_upload_gets_a_refusal_page_never_a_server_error(login):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from .worker import run_queued_tasks

    client = login("operatore.insubria")
    response = client.post(
        reverse("catalogue:hsds_import"),
        {"file": SimpleUploadedFile("profondo.json", b"[" * 200_000 + b"]" * 200_000)},
    )
    assert response.status_code == 302  # stored and queued: the web request parses nothing
    assert run_queued_tasks() == 1
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Importazione rifiutata" in page.content.decode()
    assert "annidato troppo in profondità" in page.content.decode()
    # Someone else's import is not there for them.
    assert login("operatore.milano").get(response["Location"]).status_code == 404
    assert login("admin").get(response["Location"]).status_code == 200


def test_a_memory_hungry_function_fails_alone_under_the_ceiling():
    from equilibri.catalogue.hsds.jobs import with_memory_ceiling

    def hungry() -> int:
        return len(bytearray(512 * MB))

    assert with_memory_ceiling(hungry, (), 64) == ("memory", None)
    assert with_memory_ceiling(len, ("abc",), 64) == ("ok", 3)  # this process carries on


def test_an_import_that_does_not_end_is_stopped_at_its_time_limit():
    import time

    from equilibri.catalogue.hsds.jobs import with_memory_ceiling

    assert with_memory_ceiling(time.sleep, (600,), 64, timeout=0.5) == ("timeout", None)
    assert with_memory_ceiling(len, ("ab",), 64, timeout=5) == ("ok", 2)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_over_the_memory_ceiling_is_refused_and_the_worker_carries_on(
    settings, user_of, monkeypatch
):
    """Within every reading limit, but needing more memory than the import may take: the child
    process fails, the task reports it, nothing is written."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from equilibri.catalogue.hsds import jobs

    # On SQLite the test database is in memory, which a child could read (a forked copy) but
    # not write: this import fails before writing, so the child is used on both databases.
    monkeypatch.setattr(jobs, "_may_fork", lambda: True)
    settings.HSDS_IMPORT_MEMORY_MB = 64
    settings.HSDS_IMPORT_MAX_OBJECTS = 10**9
    # Half a million services of short distinct text: 10 MB of JSON, far more as objects.
    document = json.dumps([{"name": f"s{i}", "description": f"d{i}"} for i in range(500_000)])
    stored = default_storage.save("hsds-imports/test", ContentFile(document.encode()))
    before = Service.objects.count()
    result = jobs.run(user_of("admin").pk, stored, "grande.json", False)
    assert not result["ok"]
    assert "più memoria di quella consentita (64 MB)" in result["errors"][0]["message"]
    assert Service.objects.count() == before
    assert not default_storage.exists(stored)
    # The same file checked by a process without a ceiling would get as far as its content.
    settings.HSDS_IMPORT_MEMORY_MB = 0
    stored = default_storage.save("hsds-imports/test", ContentFile(b'{"hello": 1}'))
    result = jobs.run(user_of("admin").pk, stored, "piccolo.json", True)
    assert "non contiene servizi" in result["errors"][0]["message"]
