"""`replylint responsiveness`: how fast and how often customer messages are answered.

One concern per module: `policies` (the targets, as data), `hours` (business hours),
`agents` (who signed a reply), `metrics` (the definitions, in DuckDB), `advice`
(availability advice from the week grid), `quality` (`--lint` findings beside speed),
`render` (text, JSON, CSV), `charts` and `html_report` (the offline HTML report), and
`command` (the CLI subcommand). docs/responsiveness.md has the definitions.
"""
