"""The dashboard: Jinja2 pages, static CSS/JS, bilingual UI (``i18n``), Plotly chart specs."""
