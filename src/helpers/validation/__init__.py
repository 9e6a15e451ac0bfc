"""Expectation suites over every raw source, before anything is computed from them.

great-expectations (1.x) checks the CBS tables, the params against them, the survey
export, the registrations and the notes; plausibility rules and the personal-data
screen (`privacy`) add outcomes of their own. One module per source's suite; `runner`
holds the great-expectations context, `report` the console lines, findings and HTML
page; `helpers.stages.validate` is the `wijkmonitor validate` stage. The package
imports nothing by itself, so the personal-data screen costs no great-expectations
import. See docs/validation.md.
"""
