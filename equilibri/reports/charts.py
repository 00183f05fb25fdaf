# Temporary: moved to equilibri.core.charts; removed once every app imports it from there.
from equilibri.core.charts import Series, bar_chart_svg, dot_map_svg  # noqa: F401
