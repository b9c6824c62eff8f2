"""The demo's hand-written long-form article: a spring travel and home piece, written for this
project. It shows what a complete 态度原创 article looks like: three sub-headings, two figures
with alt text and captions, a list, references and campaign hashtags.

The text uses a tiny markup so it can be wrapped in the source: paragraphs are separated by blank
lines and their lines are joined without spaces; ``## `` starts a sub-heading, ``- `` a list
item (further lines without ``- `` continue it), and ``[figure N]`` places figure N.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from openhao.articles.services import ReferenceData

TITLE = "在江南小镇住了七天，我找到了春天最舒服的打开方式"
CHANNEL = "travel"
TOPICS = ("春季图文激励计划", "周末去哪儿", "家的样子")
SUMMARY = (
    "不赶景点、不追日出，在一个江南小镇住满七天：清晨的河埠头、老宅改造的民宿、"
    "田埂上的风，以及几条能带回城市小家的家居灵感。"
)


@dataclass(frozen=True)
class Figure:
    filename: str
    palette: str
    water: bool
    fields: bool
    alt: str
    caption: str


FIGURES = {
    1: Figure(
        filename="longform-river-morning.jpg",
        palette="mist",
        water=True,
        fields=False,
        alt="清晨薄雾中的河面，远处山影层层叠叠，水中倒映着天光",
        caption="清晨的青溪，河面上的雾气还没有散去。（示意插图）",
    ),
    2: Figure(
        filename="longform-spring-fields.jpg",
        palette="spring",
        water=False,
        fields=True,
        alt="春日田野里一垄垄绿色的麦苗，远处青山一层比一层淡",
        caption="镇外的田野，麦苗正绿，远山像一幅没干透的水彩画。（示意插图）",
    ),
}
COVER_FIGURE = 1

REFERENCES = (
    ReferenceData(title="《水乡古镇的街巷与民居》", source="地方建筑研究丛书（示例书目）"),
    ReferenceData(title="《慢旅行：在路上重新认识生活》", source="旅行随笔集（示例书目）"),
    ReferenceData(title="《小户型自然采光与收纳设计手册》", source="家居设计指南（示例资料）"),
    ReferenceData(title="《春季出行健康提示》", source="社区卫生服务手册（示例资料）"),
)

TEXT = """
三月底的一个周五，我把笔记本电脑塞进背包，坐上了开往江南的高铁。
目的地是一个在地图上要放大好几次才能看见名字的小镇——青溪。

出发前，朋友问我去那里做什么。我想了半天，只回了一句：什么都不做。

这几年我习惯了“特种兵式”的旅行：一天走三万步，打卡八个景点，回来比上班还累。
这一次，我想换一种方式，在一个地方住满七天，像当地人一样过日子。

除了往返车票，我没有订任何别的票，也没有提前查哪家店最有名。
给自己留足时间，也给意外留足空间。

事实证明，这是我今年做过最正确的决定之一。

## 一、出发之前：把行程表删掉一半

以前做攻略，我会把每个小时都安排得满满当当。这次我只给自己定了三条规矩：
每天只去一个地方；不赶日出，也不追日落；遇到喜欢的地方，就多待一会儿。

青溪不大，一条小河穿镇而过，两岸是白墙黛瓦的老房子，十几座石桥把两岸连在一起。
从镇东走到镇西，慢慢走也就四十分钟。

第一天早上，我六点多就醒了。推开木窗，河面上浮着一层薄雾，对岸人家的屋檐若隐若现。
有人在河埠头洗菜，水声哗啦啦的，和远处的鸡鸣声混在一起。

[figure 1]

我在桥边的早点铺要了一碗咸豆浆和两个烧饼。老板娘一边揉面一边跟我聊天，
说镇上的年轻人大多去城里工作了，这几年倒是外地来住的人多了起来，“都说我们这里安静”。

安静，确实是这里最珍贵的东西。没有高音喇叭，也没有排长队的网红店。
走在石板路上，能听见自己的脚步声。

吃完早饭，我沿着河往下游走。路过一家竹编作坊，老师傅正坐在门口劈竹篾，
手里的篾刀上下翻飞。我在旁边看了快一个小时，他也不赶我，偶尔抬头笑一笑。

这在以前是不可想象的。按照我过去的节奏，这一个小时足够再去两个景点了。
可是那天回想起来，最清楚的画面，恰恰就是那把篾刀和落了一地的竹屑。

傍晚是小镇最美的时候。白天来的零星游客散去了，河边的人家陆续亮起灯，
倒映在水里，被过往的小船划碎，又慢慢合拢。

我常常在这个时候出门散步，不带目的，走到哪里算哪里。有一次拐进一条窄巷，
尽头竟是一座小小的土地庙，庙前两棵老樟树，树下几位老人摇着蒲扇聊天。

第二天下起了雨。我索性哪儿也不去，在河边一家老茶馆里坐了一上午。
茶馆是镇上老人们的“会客厅”，一壶绿茶五块钱，可以续一整天的水。

邻桌两位老人在下象棋，旁边围了三四个看客，谁也不说话，只在关键时刻“啧”一声。
我看不懂棋局，却看懂了那种不慌不忙的笃定。

雨停的时候，青石板被洗得发亮，墙角的青苔绿得像要滴下来。
我这才明白，为什么很多人说江南要在雨里看。

给想来小镇慢游的朋友几条实用建议：

- 尽量避开周末和节假日，工作日的小镇才是它本来的样子。
- 行李越少越好，石板路上拖着大箱子并不轻松。
- 带一双好走的平底鞋，再备一把轻便的雨伞——江南的春天，说下雨就下雨。
- 早晚温差大，薄外套一定要带上。

## 二、住进老房子：一间民宿里的家居灵感

我住的民宿由一栋上百年的老宅改造而成。主人是一对从城里回来的夫妻，
男主人学建筑，女主人做过多年的室内设计。

老房子最大的问题是暗和潮。他们的办法很朴素：在天井上方加了一圈玻璃顶，
把光“请”进来；墙面刷成带一点暖意的米白色，地面保留了原来的青砖，只做了防潮处理。

走进去的第一感觉是亮，但不刺眼。午后的阳光从天井斜斜地落下来，
照在一张旧榆木长桌上，桌上放着一瓶随手插的油菜花。

天井的角落里种着一丛南天竹和几盆兰草，墙根下摆着一口旧水缸，养着两尾红鲤。
下雨的时候，雨水顺着屋檐落进缸里，叮叮咚咚，像是有人在弹琴。

我在这张桌子前写了整整三个下午的稿子，效率比在办公室还高。

女主人说，改造时她最在意的不是好不好看，而是住的人舒不舒服。
比如每个房间的床头都留了两个插座和一盏可以单独调光的阅读灯；
衣柜做成开放式的挂杆加藤编收纳筐，潮气不容易闷在里面。

我住的房间在二楼，朝东，面积不到十五平方米。一张床、一个小书桌、一把椅子，
再没有多余的家具。床品是洗得很软的棉麻，枕边放着一本介绍本地草木的小册子。

奇怪的是，这么简单的房间，我却睡得比家里还好。后来想想，
大概是因为屋里没有一样东西在“提醒”我还有事没做完。

女主人听了笑着说，这正是她想要的效果：“卧室只负责睡觉，别的事情都请出去。”

第三天晚上，主人邀请住客一起吃饭。菜都是镇上菜市场买的：腌笃鲜、清炒马兰头、
油焖春笋，还有一盘刚从河里捞上来的小河虾。

厨房不大，却收拾得井井有条。常用的锅铲挂在墙上的一根横杆上，
调料统一装进玻璃罐，贴着手写的标签。女主人说，厨房里最好的收纳，就是“伸手就能拿到”。

饭桌上，大家聊起了各自的城市和工作。一位在城里做金融的姑娘说，
她已经是第三次来这里了，“每次来都像充了一次电”。

这些细节，对住在城市小户型里的我们也很有启发：

- 光线比装饰重要。与其买一堆摆件，不如先想想怎么让房间更亮堂。
- 材料少而精。木、竹、棉麻这几种天然材料搭在一起，很难出错。
- 收纳要“透气”。南方梅雨季长，封闭的柜子里最容易发霉。
- 给植物留一个角落。一盆绿萝、一束野花，就能让屋子活起来。

回到家之后，我照着这个思路把阳台整理了一遍：清掉了一半用不上的杂物，
换上一块亚麻窗帘，在角落里放了一把旧藤椅。花费不到五百元，却成了我现在最喜欢待的地方。

## 三、慢下来之后：写给下一次出发的自己

第五天，我租了一辆自行车，沿着镇外的田埂骑了一圈。油菜花已经开到了尾声，
麦苗正绿，远处的山一层比一层淡，像一幅没干透的水彩画。

[figure 2]

骑累了，就在田边的小亭子里坐一会儿。一位放牛的老伯过来歇脚，
跟我聊起了今年的雨水和收成。他说，种地这件事急不得，什么时节做什么事，老天爷都安排好了。

我突然觉得，这句话放在生活里也一样。

我们总是很着急：着急出发，着急抵达，着急把每一分钟都用来“创造价值”。
可是身体和心情都有自己的节气，该停的时候不停，迟早会被迫停下来。

在城市里，我的日程表精确到半小时，连周末都排得像补课一样满。到了青溪，没有人催我，
日子反而被拉得很长：一个上午可以只做一件事，一个下午可以什么都不做。

这七天里，我没有去任何一个收费景点，手机里的照片也比以往少了很多。
但我记住了早点铺老板娘的口音、竹编师傅的手、民宿天井里的光，还有田埂上那阵带着青草味的风。

第六天，我又去了那家竹编作坊，从老师傅手里买了一只小竹篮。他说这种篮子要编上大半天，
放在家里装水果、装毛线都合适，用久了颜色会变成好看的琥珀色。

现在这只竹篮就摆在我的书桌上，装着几封还没回的信和一串钥匙。
每次看到它，我就会想起那个坐在门口看人劈竹篾的下午。

算了一下这趟旅行的花费：往返高铁三百多元，七晚民宿一千六百元左右，
吃饭和零碎开销加起来不到一千元。比起以往匆匆忙忙的“打卡游”，花得不算多，收获却多得多。

回程的高铁上，我翻看这几天随手写下的笔记，发现记录最多的不是风景，而是一些很小的瞬间：
一碗豆浆的温度，一句方言的腔调，一扇木窗吱呀作响的声音。

离开的那天早上，又下起了小雨。我撑着伞在石桥上站了一会儿，
看着雨点落在河面上，一圈一圈地荡开。

如果你也觉得累了，不妨给自己安排一次这样的旅行。不用走很远，也不用花很多钱，
找一个安静的地方，住下来，什么都不做。

春天很短，别把它都花在路上。

（文中人物均已征得同意，部分细节有改动；插图为示意图。）
"""

_FIGURE_RE = re.compile(r"^\[figure (\d+)\]$")


def render_markup(text: str, figure_html: Callable[[int, Figure], str] | None = None) -> str:
    """HTML from the tiny markup described in the module docstring (also used by
    ``handwritten.py``); ``figure_html(number, figure)`` renders each ``[figure N]``."""
    parts: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        head = lines[0]
        if head.startswith("## "):
            parts.append(f"<h2>{escape(head[3:], quote=False)}</h2>")
        elif (match := _FIGURE_RE.match(head)) and figure_html is not None:
            number = int(match.group(1))
            parts.append(figure_html(number, FIGURES[number]))
        elif head.startswith("- "):
            items: list[str] = []
            for line in lines:  # a line without "- " continues the item above
                if line.startswith("- "):
                    items.append(line[2:])
                else:
                    items[-1] += line
            parts.append(
                "<ul>" + "".join(f"<li>{escape(i, quote=False)}</li>" for i in items) + "</ul>"
            )
        else:
            parts.append(f"<p>{escape(''.join(lines), quote=False)}</p>")
    return "\n".join(parts)


def render(figure_html: Callable[[int, Figure], str]) -> str:
    """The long-form body as HTML; ``figure_html(number, figure)`` renders each figure."""
    return render_markup(TEXT, figure_html)


def text_length() -> int:
    """Characters of running text (markup and line breaks excluded)."""
    return len(re.sub(r"^(## |- |\[figure \d+\])", "", TEXT, flags=re.M).replace("\n", ""))
