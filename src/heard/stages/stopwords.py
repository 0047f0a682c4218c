"""A small bilingual stop-word list, written for Heard (not copied from a published list).

Function words that carry no topic, and the words for 'today', 'yesterday', 'now' …: a topic of
posts that each say "the bus was late again today" is about the bus, not about today. Negators
(不, 没有, not, no, never …) are *kept* as tokens: they flip the meaning of the next word, which
the sentiment explanation needs.
Search (``search_text``) keeps every word, stop-words included; only ``tokens`` drops them.
"""

from __future__ import annotations

ENGLISH = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself nor of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves
    today yesterday tomorrow tonight now
    im ive id ill youre youve hes shes its were theyre thats theres whats lets dont doesnt didnt
    s t d ll m re ve o y u ur rt via amp gonna wanna also get got just really much many
    """.split()
)

CHINESE = frozenset(
    """
    的 了 是 在 和 与 及 或 而 就 都 也 还 又 再 把 被 让 给 对 从 向 往 于 以 为 为了 因为 所以
    但 但是 可是 然而 如果 虽然 即使 而且 并且 并 之 其 此 这 那 这个 那个 这些 那些 这样 那样
    这里 那里 哪 哪里 哪个 什么 怎么 怎样 如何 我 你 您 他 她 它 我们 你们 他们 她们 它们 咱们
    大家 自己 别人 人家 啊 呀 吧 呢 吗 嘛 哦 哈 啦 嗯 喔 哎 呗 么 着 过 得 地 个 些 一个 一些 一下
    有 有的 有些 会 能 可以 要 想 去 来 到 说 看 让 使 等 等等 之后 之前 以后 以前 时候 现在 已经
    还是 就是 只是 不过 而已 一样 一直 一起 然后 其实 真的 这么 那么 多么 比较 非常 特别 十分
    每 各 某 本 该 啥 嘛 哟 噢 诶 转发 回复 微博 视频 网页 链接 全文 展开
    今天 昨天 明天 今晚 昨晚 刚才 刚刚
    """.split()
)

STOP_WORDS = ENGLISH | CHINESE


def is_stop_word(token: str) -> bool:
    return token in STOP_WORDS
