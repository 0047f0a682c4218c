"""The brief's HTML template (Jinja2, autoescaped: every post text, label and keyword is escaped;
only the Plotly figures Heard builds itself are inserted as markup)."""

BRIEF = """<!doctype html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Heard brief — {{ generated }}</title>
<style>
 body { font-family: "Noto Sans CJK SC", "Noto Sans", system-ui, sans-serif; margin: 2rem auto; max-width: 1100px;
        color: #1d232a; line-height: 1.5; padding: 0 1rem; }
 h1 { margin-bottom: .2rem } .muted { color: #5b6570; font-size: .92rem }
 table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.2rem } th, td { text-align: left;
        padding: .35rem .5rem; border-bottom: 1px solid #e3e7eb; vertical-align: top; font-size: .93rem }
 th { background: #f4f6f8 } .num { text-align: right; font-variant-numeric: tabular-nums }
 section.spot { border: 1px solid #e3e7eb; border-radius: 8px; padding: .8rem 1rem; margin: 1rem 0 }
 .heat { font-size: 1.6rem; font-weight: 700; color: #b3261e } .bar { background: #f1c9c5; height: .6rem; display: inline-block }
 blockquote { margin: .4rem 0; padding: .3rem .7rem; border-left: 3px solid #c9d1d9; background: #fafbfc }
 .alert { border-left: 4px solid #b3261e; padding: .4rem .8rem; background: #fdf3f2; margin: .5rem 0 }
</style>
</head>
<body>
<h1>Heard brief</h1>
<p class="muted">Generated {{ generated }} · {{ stats.posts }} posts from {{ stats.first | when }} to {{ stats.last | when }} (times in {{ zone }})
 · hot-spot window {{ window_label }} ending {{ hot.now | when }} · groups under {{ k }} distinct authors are not shown
 ({{ hot.hidden_below_k }} hot-spot candidates, {{ topics.hidden_below_k }} topics hidden).</p>

<h2>Hot spots</h2>
{% if not hot.hotspots %}<p id="quiet">No topic in this window has posts from {{ k }} or more distinct authors:
 {{ quiet }}. (heard report --window 90d, 1y or all widens it.)</p>{% endif %}
{% for spot in hot.hotspots %}
<section class="spot" id="hot-{{ spot.topic_id }}">
 <h3>#{{ spot.rank }} · {{ spot.label or "(unlabelled)" }} <span class="muted">topic {{ spot.topic_id }}</span></h3>
 <p><span class="heat">{{ "%.1f"|format(spot.heat.index) }}</span> heat ·
  {{ spot.heat.volume }} posts · {{ spot.heat.authors }} authors · engagement {{ spot.heat.engagement }} ·
  burst p = {{ spot.burst.p_value }} ({{ spot.burst.count }} posts, {{ spot.burst.expected }} expected) ·
  {{ spot.first_post | when }} → {{ spot.last_post | when }}</p>
 <p class="muted">keywords: {{ spot.keywords|join(", ") }}{% if spot.places %} · places: {{ spot.places|join(", ") }}{% endif %}</p>
 <table><tr><th>component</th><th>raw</th><th class="num">score (0–1)</th><th></th></tr>
 {% for name, value in spot.heat.components.items() %}
  <tr><td>{{ name }}</td><td>{{ spot.heat[name] }}</td><td class="num">{{ "%.3f"|format(value) }}</td>
   <td><span class="bar" style="width: {{ (value * 200)|round|int }}px"></span></td></tr>
 {% endfor %}</table>
 {{ spot.chart|safe }}
 {% for post in spot.sample_posts %}<blockquote>{% if post.title %}<b>{{ post.title }}</b><br>{% endif %}{{ post.text }}
  <div class="muted">{{ post.created_at | when }}{% if post.sentiment %} · {{ post.sentiment }}{% endif %}</div></blockquote>{% endfor %}
</section>
{% endfor %}

<h2>Alerts</h2>
{% if not alerts %}<p>No burst alert has fired.</p>{% endif %}
{% for a in alerts %}<div class="alert"><b>{{ a.label or ("topic " ~ a.topic_id) }}</b> — {{ a.evidence.count }} posts from
 {{ a.evidence.authors }} authors between {{ a.evidence.window_start | when }} and {{ a.evidence.window_end | when }}
 ({{ a.evidence.expected }} expected, p = {{ a.evidence.p_value }}); burst began {{ a.onset | when }}.</div>{% endfor %}

<h2>Top topics</h2>
<table><tr><th>topic</th><th>label</th><th class="num">posts</th><th class="num">authors</th><th class="num">sentiment</th>
 <th>first → last seen</th><th>keywords</th></tr>
{% for t in topics.topics %}<tr><td>{{ t.topic_id }}</td><td>{{ t.label }}</td><td class="num">{{ t.size }}</td>
 <td class="num">{{ t.n_authors }}</td><td class="num">{{ t.sentiment_mean }}</td><td>{{ t.first_seen | when(False) }} → {{ t.last_seen | when(False) }}</td>
 <td>{{ t.keywords|map(attribute="term")|join(", ") }}</td></tr>{% endfor %}
</table>

<h2>Volume and sentiment</h2>
{{ sentiment_chart|safe }}
<p class="muted">Sentiment labels per day over all posts (model: {{ stats.models|join(", ") or "none" }}).
Heat = 100 × (0.25 volume + 0.25 growth + 0.20 authors + 0.15 engagement + 0.15 negativity), each component
x/(x+half) — see docs/heat.md. Personal data in post texts is masked; authors are never shown.</p>
</body>
</html>
"""
