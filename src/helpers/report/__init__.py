"""What the report notebooks show, computed here so tests reach it: the one facade
notebooks call (`from helpers import report`, then `report.<name>`).

Every name lives in the module of its concern beside this file, and only published
(unsuppressed) values ever leave them. The facade imports a module when one of its
names is first used (PEP 562), so a module that needs only `report.dutch` does not
load the whole report. Figures (`plots`, `maps`), the analysts' exports (`exports`) and
the site (`render`) are modules of their own, imported where they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# every name of the facade and the module that defines it
FACADE: dict[str, str] = {
    "AVAILABILITY": "helpers.report.programme_design",
    "NetworkEffort": "helpers.report.programme_design",
    "NetworkGoal": "helpers.report.programme_design",
    "NetworkIndicator": "helpers.report.programme_design",
    "area_table": "helpers.report.programme_design",
    "availability_matrix": "helpers.report.programme_design",
    "definitions_table": "helpers.report.programme_design",
    "network_structure": "helpers.report.programme_design",
    "network_table": "helpers.report.programme_design",
    "population_context": "helpers.report.programme_design",
    "BoundarySettings": "helpers.config.report",
    "BoundarySource": "helpers.config.report",
    "ReportSettings": "helpers.config.report",
    "boundaries_file": "helpers.config.report",
    "boundary_files": "helpers.config.report",
    "boundary_source": "helpers.config.report",
    "boundary_sources": "helpers.config.report",
    "report_settings": "helpers.config.report",
    "CBS_ATTRIBUTION": "helpers.report.wording",
    "DIRECTION_LABELS": "helpers.report.wording",
    "LEVEL_LABELS": "helpers.report.wording",
    "ROLE_LABELS": "helpers.report.wording",
    "SIGNIFICANCE": "helpers.report.wording",
    "SOURCE_LABELS": "helpers.report.wording",
    "caveat_callout": "helpers.report.wording",
    "plain_text": "helpers.report.escaping",
    "markdown_table": "helpers.report.escaping",
    "provenance_callout": "helpers.report.wording",
    "provenance_note": "helpers.report.wording",
    "session_info": "helpers.report.wording",
    "source_provenance": "helpers.report.wording",
    "synthetic_callout": "helpers.report.wording",
    "synthetic_note": "helpers.report.wording",
    "table_caption": "helpers.report.wording",
    "CERTAIN_DOWN": "helpers.report.glance",
    "CERTAIN_UP": "helpers.report.glance",
    "CHANCE": "helpers.report.glance",
    "COMPLETE_COUNT": "helpers.report.glance",
    "GLANCE_LEGEND": "helpers.report.glance",
    "TARGET_WORDS": "helpers.report.glance",
    "at_a_glance": "helpers.report.glance",
    "change_words": "helpers.report.glance",
    "comparison_since": "helpers.report.glance",
    "indicator_summary": "helpers.report.glance",
    "is_true": "helpers.report.glance",
    "key_figures": "helpers.report.glance",
    "methods_note": "helpers.report.glance",
    "p_value_text": "helpers.report.glance",
    "significance_words": "helpers.report.glance",
    "statistics_appendix": "helpers.report.glance",
    "statistics_methods": "helpers.report.glance",
    "statistics_sentence": "helpers.report.glance",
    "trend_words": "helpers.report.glance",
    "CONTEXT_SOURCES": "helpers.report.context",
    "WEIGHTED_PREFIX": "helpers.report.context",
    "context_indicators": "helpers.report.context",
    "context_missing": "helpers.report.context",
    "context_sources": "helpers.report.context",
    "context_table": "helpers.report.context",
    "estimate_words": "helpers.report.context",
    "health_indicators": "helpers.report.context",
    "health_sources": "helpers.report.context",
    "health_table": "helpers.report.context",
    "FACTSHEET_SOURCE_WORDS": "helpers.report.factsheet",
    "factsheet_banner": "helpers.report.factsheet",
    "factsheet_story": "helpers.report.factsheet",
    "JOINT_PARTS": "helpers.report.joint",
    "JOINT_ROLES": "helpers.report.joint",
    "NO_THEME_LABEL": "helpers.report.joint",
    "joint_estimates_note": "helpers.report.joint",
    "joint_health_sources": "helpers.report.joint",
    "joint_limits": "helpers.report.joint",
    "joint_overview": "helpers.report.joint",
    "joint_parts": "helpers.report.joint",
    "joint_series": "helpers.report.joint",
    "joint_sources_line": "helpers.report.joint",
    "joint_targets": "helpers.report.joint",
    "joint_unit": "helpers.report.joint",
    "joint_targets_sentence": "helpers.report.joint",
    "joint_themes": "helpers.report.joint",
    "own_trend_series": "helpers.report.joint",
    "NOTE_KINDS": "helpers.report.notes",
    "curated_notes": "helpers.report.notes",
    "notes_markdown": "helpers.report.notes",
    "notes_synthesis": "helpers.report.notes",
    "ProgrammeContext": "helpers.report.programme",
    "joint_programme_context": "helpers.report.programme",
    "load_joint": "helpers.report.programme",
    "programme_context": "helpers.report.programme",
    "REVISIONS_HEADING": "helpers.report.logbook",
    "logbook_table": "helpers.report.logbook",
    "revision_log": "helpers.report.logbook",
    "revision_table": "helpers.report.logbook",
    "sources_section": "helpers.report.logbook",
    "sources_table": "helpers.report.logbook",
    "break_year": "helpers.report.series",
    "indicator_series": "helpers.report.series",
    "published": "helpers.report.series",
    "quality_findings": "helpers.report.series",
    "suppression_summary": "helpers.report.series",
    "target_for": "helpers.report.series",
    "change_sentence": "helpers.report.indicator_text",
    "series_caveats": "helpers.report.indicator_text",
}

__all__ = sorted(FACADE)

if TYPE_CHECKING:
    from helpers.config.report import (
        BoundarySettings as BoundarySettings,
    )
    from helpers.config.report import (
        BoundarySource as BoundarySource,
    )
    from helpers.config.report import (
        ReportSettings as ReportSettings,
    )
    from helpers.config.report import (
        boundaries_file as boundaries_file,
    )
    from helpers.config.report import (
        boundary_files as boundary_files,
    )
    from helpers.config.report import (
        boundary_source as boundary_source,
    )
    from helpers.config.report import (
        boundary_sources as boundary_sources,
    )
    from helpers.config.report import (
        report_settings as report_settings,
    )
    from helpers.report.context import (
        CONTEXT_SOURCES as CONTEXT_SOURCES,
    )
    from helpers.report.context import (
        WEIGHTED_PREFIX as WEIGHTED_PREFIX,
    )
    from helpers.report.context import (
        context_indicators as context_indicators,
    )
    from helpers.report.context import (
        context_missing as context_missing,
    )
    from helpers.report.context import (
        context_sources as context_sources,
    )
    from helpers.report.context import (
        context_table as context_table,
    )
    from helpers.report.context import (
        estimate_words as estimate_words,
    )
    from helpers.report.context import (
        health_indicators as health_indicators,
    )
    from helpers.report.context import (
        health_sources as health_sources,
    )
    from helpers.report.context import (
        health_table as health_table,
    )
    from helpers.report.escaping import (
        markdown_table as markdown_table,
    )
    from helpers.report.escaping import (
        plain_text as plain_text,
    )
    from helpers.report.factsheet import (
        FACTSHEET_SOURCE_WORDS as FACTSHEET_SOURCE_WORDS,
    )
    from helpers.report.factsheet import (
        factsheet_banner as factsheet_banner,
    )
    from helpers.report.factsheet import (
        factsheet_story as factsheet_story,
    )
    from helpers.report.glance import (
        CERTAIN_DOWN as CERTAIN_DOWN,
    )
    from helpers.report.glance import (
        CERTAIN_UP as CERTAIN_UP,
    )
    from helpers.report.glance import (
        CHANCE as CHANCE,
    )
    from helpers.report.glance import (
        COMPLETE_COUNT as COMPLETE_COUNT,
    )
    from helpers.report.glance import (
        GLANCE_LEGEND as GLANCE_LEGEND,
    )
    from helpers.report.glance import (
        TARGET_WORDS as TARGET_WORDS,
    )
    from helpers.report.glance import (
        at_a_glance as at_a_glance,
    )
    from helpers.report.glance import (
        change_words as change_words,
    )
    from helpers.report.glance import (
        comparison_since as comparison_since,
    )
    from helpers.report.glance import (
        indicator_summary as indicator_summary,
    )
    from helpers.report.glance import (
        is_true as is_true,
    )
    from helpers.report.glance import (
        key_figures as key_figures,
    )
    from helpers.report.glance import (
        methods_note as methods_note,
    )
    from helpers.report.glance import (
        p_value_text as p_value_text,
    )
    from helpers.report.glance import (
        significance_words as significance_words,
    )
    from helpers.report.glance import (
        statistics_appendix as statistics_appendix,
    )
    from helpers.report.glance import (
        statistics_methods as statistics_methods,
    )
    from helpers.report.glance import (
        statistics_sentence as statistics_sentence,
    )
    from helpers.report.glance import (
        trend_words as trend_words,
    )
    from helpers.report.indicator_text import (
        change_sentence as change_sentence,
    )
    from helpers.report.indicator_text import (
        series_caveats as series_caveats,
    )
    from helpers.report.joint import (
        JOINT_PARTS as JOINT_PARTS,
    )
    from helpers.report.joint import (
        JOINT_ROLES as JOINT_ROLES,
    )
    from helpers.report.joint import (
        NO_THEME_LABEL as NO_THEME_LABEL,
    )
    from helpers.report.joint import (
        joint_estimates_note as joint_estimates_note,
    )
    from helpers.report.joint import (
        joint_health_sources as joint_health_sources,
    )
    from helpers.report.joint import (
        joint_limits as joint_limits,
    )
    from helpers.report.joint import (
        joint_overview as joint_overview,
    )
    from helpers.report.joint import (
        joint_parts as joint_parts,
    )
    from helpers.report.joint import (
        joint_series as joint_series,
    )
    from helpers.report.joint import (
        joint_sources_line as joint_sources_line,
    )
    from helpers.report.joint import (
        joint_targets as joint_targets,
    )
    from helpers.report.joint import (
        joint_targets_sentence as joint_targets_sentence,
    )
    from helpers.report.joint import (
        joint_themes as joint_themes,
    )
    from helpers.report.joint import (
        joint_unit as joint_unit,
    )
    from helpers.report.joint import (
        own_trend_series as own_trend_series,
    )
    from helpers.report.logbook import (
        REVISIONS_HEADING as REVISIONS_HEADING,
    )
    from helpers.report.logbook import (
        logbook_table as logbook_table,
    )
    from helpers.report.logbook import (
        revision_log as revision_log,
    )
    from helpers.report.logbook import (
        revision_table as revision_table,
    )
    from helpers.report.logbook import (
        sources_section as sources_section,
    )
    from helpers.report.logbook import (
        sources_table as sources_table,
    )
    from helpers.report.notes import (
        NOTE_KINDS as NOTE_KINDS,
    )
    from helpers.report.notes import (
        curated_notes as curated_notes,
    )
    from helpers.report.notes import (
        notes_markdown as notes_markdown,
    )
    from helpers.report.notes import (
        notes_synthesis as notes_synthesis,
    )
    from helpers.report.programme import (
        ProgrammeContext as ProgrammeContext,
    )
    from helpers.report.programme import (
        joint_programme_context as joint_programme_context,
    )
    from helpers.report.programme import (
        load_joint as load_joint,
    )
    from helpers.report.programme import (
        programme_context as programme_context,
    )
    from helpers.report.programme_design import (
        AVAILABILITY as AVAILABILITY,
    )
    from helpers.report.programme_design import (
        NetworkEffort as NetworkEffort,
    )
    from helpers.report.programme_design import (
        NetworkGoal as NetworkGoal,
    )
    from helpers.report.programme_design import (
        NetworkIndicator as NetworkIndicator,
    )
    from helpers.report.programme_design import (
        area_table as area_table,
    )
    from helpers.report.programme_design import (
        availability_matrix as availability_matrix,
    )
    from helpers.report.programme_design import (
        definitions_table as definitions_table,
    )
    from helpers.report.programme_design import (
        network_structure as network_structure,
    )
    from helpers.report.programme_design import (
        network_table as network_table,
    )
    from helpers.report.programme_design import (
        population_context as population_context,
    )
    from helpers.report.series import (
        break_year as break_year,
    )
    from helpers.report.series import (
        indicator_series as indicator_series,
    )
    from helpers.report.series import (
        published as published,
    )
    from helpers.report.series import (
        quality_findings as quality_findings,
    )
    from helpers.report.series import (
        suppression_summary as suppression_summary,
    )
    from helpers.report.series import (
        target_for as target_for,
    )
    from helpers.report.wording import (
        CBS_ATTRIBUTION as CBS_ATTRIBUTION,
    )
    from helpers.report.wording import (
        DIRECTION_LABELS as DIRECTION_LABELS,
    )
    from helpers.report.wording import (
        LEVEL_LABELS as LEVEL_LABELS,
    )
    from helpers.report.wording import (
        ROLE_LABELS as ROLE_LABELS,
    )
    from helpers.report.wording import (
        SIGNIFICANCE as SIGNIFICANCE,
    )
    from helpers.report.wording import (
        SOURCE_LABELS as SOURCE_LABELS,
    )
    from helpers.report.wording import (
        caveat_callout as caveat_callout,
    )
    from helpers.report.wording import (
        provenance_callout as provenance_callout,
    )
    from helpers.report.wording import (
        provenance_note as provenance_note,
    )
    from helpers.report.wording import (
        session_info as session_info,
    )
    from helpers.report.wording import (
        source_provenance as source_provenance,
    )
    from helpers.report.wording import (
        synthetic_callout as synthetic_callout,
    )
    from helpers.report.wording import (
        synthetic_note as synthetic_note,
    )
    from helpers.report.wording import (
        table_caption as table_caption,
    )


def __getattr__(name: str) -> Any:
    module = FACADE.get(name)
    if module is None:
        raise AttributeError(f"module 'helpers.report' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *FACADE})
