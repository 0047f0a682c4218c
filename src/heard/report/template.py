"""The brief's HTML template (Jinja2, autoescaped: every post text, label and keyword is escaped;
only the Plotly figures Heard builds itself are inserted as markup)."""

BRIEF = """<!doctype html>
<html lang="{{ html_lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t('title') }} — {{ generated }}</title>
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
<h1>{{ t('title') }}</h1>
<p class="muted">{{ t('generated') }} {{ generated }} · {{ t('posts_span', n=stats.posts, first=(stats.first | when), last=(stats.last | when), zone=zone) }}
 · {{ t('window', window=window_label, end=(hot.now | when)) }} · {{ t('k_note', k=k, spots=hot.hidden_below_k, topics=topics.hidden_below_k) }}</p>

<h2>{{ t('hot_spots') }}</h2>
{% if not hot.hotspots %}<p id="quiet">{{ t('no_hot', k=k) }} {{ quiet }}. {{ t('widen') }}</p>{% endif %}
{% for spot in hot.hotspots %}
<section class="spot" id="hot-{{ spot.topic_id }}">
 <h3>#{{ spot.rank }} · {{ spot.label or t('unlabelled') }} <span class="muted">{{ t('topic') }} {{ spot.topic_id }}</span></h3>
 <p><span class="heat">{{ "%.1f"|format(spot.heat.index) }}</span> {{ t('heat') }} ·
  {{ t('posts_authors', posts=spot.heat.volume, authors=spot.heat.authors) }} · {{ 'engagement' | word }} {{ spot.heat.engagement }} ·
  {{ t('burst') }} {{ spot.burst.p_value | p_text }} ({{ t('expected_of', count=spot.burst.count, expected=spot.burst.expected) }}) ·
  {{ spot.first_post | when }} → {{ spot.last_post | when }}</p>
 <p class="muted">{{ t('keywords') }}: {{ spot.keywords|join(", ") }}{% if spot.places %} · {{ t('places') }}: {{ spot.places|join(", ") }}{% endif %}</p>
 <table><tr><th>{{ t('component') }}</th><th>{{ t('raw') }}</th><th class="num">{{ t('score') }}</th><th></th></tr>
 {% for name, value in spot.heat.components.items() %}
  <tr><td>{{ name | word }}</td><td>{{ spot.heat[name] }}</td><td class="num">{{ "%.2f"|format(value) }}</td>
   <td><span class="bar" style="width: {{ (value * 200)|round|int }}px"></span></td></tr>
 {% endfor %}</table>
 {{ spot.chart|safe }}
 {% for post in spot.sample_posts %}<blockquote>{% if post.title %}<b>{{ post.title }}</b><br>{% endif %}{{ post.text }}
  <div class="muted">{{ post.created_at | when }}{% if post.sentiment %} · {{ post.sentiment }}{% endif %}</div></blockquote>{% endfor %}
</section>
{% endfor %}

<h2>{{ t('alerts') }}</h2>
{% if not alerts %}<p>{{ t('no_alerts') }}</p>{% endif %}
{% for a in alerts %}<div class="alert"><b>{{ a.label or (t('topic') ~ " " ~ a.topic_id) }}</b> — {{ a.evidence | evidence }}
 ({{ a.evidence.window_start | when }} → {{ a.evidence.window_end | when }}); {{ t('began') }} {{ a.onset | when }}.</div>{% endfor %}

<h2>{{ t('top_topics') }}</h2>
<table><tr><th>{{ t('topic') }}</th><th>{{ t('label') }}</th><th class="num">{{ t('posts') }}</th><th class="num">{{ 'authors' | word }}</th><th class="num">{{ t('sentiment') }}</th>
 <th>{{ t('first_last') }}</th><th>{{ t('keywords') }}</th></tr>
{% for tp in topics.topics %}<tr><td>{{ tp.topic_id }}</td><td>{{ tp.label }}</td><td class="num">{{ tp.size }}</td>
 <td class="num">{{ tp.n_authors }}</td><td class="num">{{ tp.sentiment_mean | mean2 }}</td><td>{{ tp.first_seen | when(False) }} → {{ tp.last_seen | when(False) }}</td>
 <td>{{ tp.keywords|map(attribute="term")|join(", ") }}</td></tr>{% endfor %}
</table>

<h2>{{ t('volume_sentiment') }}</h2>
{{ sentiment_chart|safe }}
<p class="muted">{{ t('footer', models=(stats.models|join(", ") or "-")) }}</p>
</body>
</html>
"""

STRINGS: dict[str, tuple[str, str]] = {
    # key: (english, chinese)
    "title": ("Heard brief", "Heard 舆情简报"),
    "generated": ("Generated", "生成于"),
    "posts_span": ("{n} posts from {first} to {last} (times in {zone})", "共 {n} 条帖子，时间 {first} 至 {last}（{zone}）"),
    "window": ("hot-spot window {window} ending {end}", "热点窗口 {window}，截至 {end}"),
    "k_note": ("groups under {k} distinct authors are not shown ({spots} hot-spot candidates, {topics} topics hidden)",
               "不同作者少于 {k} 人的群组不显示（隐藏 {spots} 个热点候选、{topics} 个话题）"),
    "hot_spots": ("Hot spots", "热点"),
    "no_hot": ("No topic in this window has posts from {k} or more distinct authors:",
               "此窗口内没有话题达到 {k} 位以上不同作者："),
    "widen": ("(heard report --window 90d, 1y or all widens it.)", "（可用 heard report --window 90d、1y 或 all 扩大窗口。）"),
    "unlabelled": ("(unlabelled)", "（未命名）"),
    "topic": ("topic", "话题"),
    "heat": ("heat", "热度"),
    "posts_authors": ("{posts} posts · {authors} authors", "{posts} 条帖子 · {authors} 位作者"),
    "burst": ("burst", "突增检验"),
    "expected_of": ("{count} posts, {expected} expected", "{count} 条，预期 {expected} 条"),
    "keywords": ("keywords", "关键词"),
    "places": ("places", "地点"),
    "component": ("component", "分项"),
    "raw": ("raw", "原始值"),
    "score": ("score (0–1)", "得分（0–1）"),
    "alerts": ("Alerts", "预警"),
    "no_alerts": ("No burst alert has fired.", "尚未触发突增预警。"),
    "began": ("burst began", "突增开始于"),
    "top_topics": ("Top topics", "主要话题"),
    "label": ("label", "名称"),
    "posts": ("posts", "帖子数"),
    "sentiment": ("sentiment", "情感"),
    "first_last": ("first → last seen", "首次 → 最近出现"),
    "volume_sentiment": ("Volume and sentiment", "发帖量与情感"),
    "footer": ("Sentiment labels per day over all posts (model: {models}). Heat = 100 × (0.25 volume + 0.25 growth "
               "+ 0.20 authors + 0.15 engagement + 0.15 negativity), each component x/(x+half) — see docs/heat.md. "
               "Personal data in post texts is masked; authors are never shown.",
               "全部帖子每日情感标签（模型：{models}）。热度 = 100 ×（0.25 帖量 + 0.25 增长 + 0.20 作者 + 0.15 互动 + "
               "0.15 负面度），各分项按 x/(x+half) 计算，详见 docs/heat.md。帖子中的个人信息已脱敏；不显示作者。"),
}
LANGS = ("en", "zh")
