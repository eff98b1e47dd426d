"""三会制度 — statutory meetings per town and year: held vs minimum, status, trend."""

from __future__ import annotations

import streamlit as st

from ui import charts, data, frame
from ui.i18n import t
from ui.metrics import definition
from warehouse.queries import statutory

f = frame.current_filters()
st.title(t("st.title"))
st.caption(t("st.caption"))


def _status_label(row) -> str:
    if row.status == "pending":
        return "● " + t("st.status.pending", months=row.months_left)
    return "● " + t(f"st.status.{row.status}")


with frame.guard("statutory.table"):
    if f.year is None:
        st.info(t("st.need_year"))
    else:
        by_town = data.get(statutory.statutory_by_town, f)
        if by_town.empty:
            st.info(t("st.empty", year=f.year))
        else:
            c1, c2, c3, c4 = st.columns(4)
            with c1:
                frame.kpi(t("st.kpi.towns"), len(by_town))
            with c2:
                frame.kpi(t("st.kpi.compliant"), int(by_town["compliant"].sum()), help_text=definition("compliance"))
            with c3:
                frame.kpi(t("st.kpi.missed"), int((by_town["status"] == "missed").sum()))
            with c4:
                frame.kpi(t("st.kpi.pending"), int((by_town["status"] == "pending").sum()))
            st.subheader(t("st.table.title", year=f.year))
            show = by_town.assign(status_label=[_status_label(r) for r in by_town.itertuples()])
            cols = (["district"] if f.district is None else []) + ["town", "congress", "review", "deputy_voter",
                                                                   "status_label"]
            st.dataframe(
                charts.status_styler(show, "status", "status_label"), column_order=cols, hide_index=True,
                width="stretch",
                column_config={
                    "district": st.column_config.TextColumn(t("word.district")),
                    "town": st.column_config.TextColumn(t("word.town")),
                    "congress": st.column_config.NumberColumn(
                        t("st.col.congress") + t("st.min_hint", n=statutory.MIN_CONGRESS), help=definition("congress")),
                    "review": st.column_config.NumberColumn(
                        t("st.col.review") + t("st.min_hint", n=statutory.MIN_REVIEW), help=definition("review")),
                    "deputy_voter": st.column_config.NumberColumn(t("st.col.deputy_voter"),
                                                                  help=definition("deputy_voter")),
                    "status_label": st.column_config.TextColumn(t("st.col.status"), help=definition("compliance")),
                },
                height="content",
            )

with frame.guard("statutory.trend"):
    trend = data.get(statutory.compliance_by_year, f)
    if not trend.empty:
        left, right = st.columns(2)
        with left:
            fig = charts.line(trend, "year", "rate", color="district" if f.district is None else None,
                              title=t("st.trend.title"), percent=True, y_title=t("st.kpi.compliant"))
            fig.update_traces(hovertemplate="%{x}: %{y:.0%}")
            st.plotly_chart(fig, width="stretch")
        with right:
            long = trend.melt(id_vars=["district", "year"], value_vars=["congress", "review", "deputy_voter"],
                              var_name="kind", value_name="n")
            long = long.groupby(["year", "kind"], as_index=False)["n"].sum()
            long["kind"] = long["kind"].map({"congress": t("st.col.congress"), "review": t("st.col.review"),
                                             "deputy_voter": t("st.col.deputy_voter")})
            st.plotly_chart(charts.bar(long, "year", "n", color="kind", barmode="group", title=t("st.counts.title"),
                                       y_title=t("word.count")), width="stretch")
