"""Text utilities: Chinese-aware tokens, question parts, numbers and figures, normalisation."""

from bot.qa.text import (
    about_asker,
    asking_text,
    content_terms,
    figures,
    is_chinese,
    normalize_query,
    premises,
    split_parts,
    tokens,
    without_asker,
)


def test_tokens_mix_words_and_inner_bigrams() -> None:
    toks = tokens("北虹桥片区重点发展汽车新势力")
    assert "汽车" in toks and "片区" in toks
    assert "的" not in tokens("发展的方向")
    assert "gdp" in tokens("What is the GDP target?") and "the" not in tokens("What is the GDP target?")


def test_language_and_normalisation() -> None:
    assert is_chinese("北虹桥片区有什么？") and not is_chinese("Which zone is for EVs?")
    assert is_chinese("北虹桥的AI产业")
    assert normalize_query("２５年的目标") == "2025年的目标"
    assert normalize_query("21年税收") == "2021年税收"
    assert normalize_query("151.4年") == "151.4年"
    assert normalize_query("到25年底") == "到2025年底"


def test_a_relayed_enquiry_is_read_without_its_frame() -> None:
    # Staff pass on someone else's question: who asks is not what is asked ("客户" is no topic).
    assert normalize_query("有客户问：北虹桥重点发展什么？") == "北虹桥重点发展什么？"
    assert normalize_query("投资人想了解一下，北虹桥重点发展什么？") == "北虹桥重点发展什么？"
    assert normalize_query("A client asks: which zone suits EV makers?") == "which zone suits EV makers?"
    assert normalize_query("有个做飞机租赁的客户想知道，产业金融发展哪些业务？") == "产业金融发展哪些业务？"
    assert normalize_query("领导要几个基本数：商务区总面积多少？") == "商务区总面积多少？"
    assert (
        normalize_query("企业要满足哪些条件，才能入驻？") == "企业要满足哪些条件,才能入驻？"
    )  # a question word: no frame
    assert normalize_query("客户问题有哪些？") == "客户问题有哪些？"  # not a frame: no colon after the verb
    assert normalize_query("企业问：") == "企业问:"  # nothing after the frame: the words are the question
    # relayed on someone's behalf, with a space for a comma
    assert normalize_query("帮企业问一下 这个规划是哪个单位发的") == "这个规划是哪个单位发的"
    assert normalize_query("帮投资人问下，商务区现在有多少家总部企业？") == "商务区现在有多少家总部企业？"
    # anyone said in a few words and how they ask, up to a colon or comma; or a role said with no verb
    assert normalize_query("老同志问一句，虹桥国际CBD多大？") == "虹桥国际CBD多大？"
    assert normalize_query("媒体记者追问：2025年商品销售额目标是多少？") == "2025年商品销售额目标是多少？"
    assert normalize_query("区人大代表关心：人才保障有哪些政策？") == "人才保障有哪些政策？"
    assert normalize_query("会展公司这边问下，线上招商大会叫啥名") == "线上招商大会叫啥名"
    assert normalize_query("我司法务想确认两点：通知主送哪些区？") == "通知主送哪些区？"
    assert normalize_query("银行客户经理，想了解下规模目标：") == "想了解下规模目标:"
    assert normalize_query("哪个部门问：规划是谁发的？") == "哪个部门问:规划是谁发的？"  # a question word: no frame
    # a particle before the comma ("问一下哈，")
    assert normalize_query("社区书记问一下哈，通知主送的是哪几个区政府？") == "通知主送的是哪几个区政府？"
    assert normalize_query("北虹桥的定位，想了解：") == "北虹桥的定位,想了解:"  # the first clause names a thing
    # who set the asker the task ("老师让我们查…"), with or without a separator
    assert normalize_query("老师让我们查虹桥商务区的“4311”产业目标") == "虹桥商务区的“4311”产业目标"
    assert normalize_query("领导叫我问下：通知印了几份？") == "通知印了几份？"
    assert normalize_query("谁让我们查这个？") == "谁让我们查这个？"  # a question word: no frame
    assert normalize_query("哎我想引用下那个通知，文号是啥？") == "我想引用下那个通知,文号是啥？"  # an interjection
    assert normalize_query("嗨，北虹桥重点发展什么？") == "北虹桥重点发展什么？"
    # a greeting first is no part of the question; a question that opens with such a word is left whole
    assert normalize_query("Dear Sir or Madam, which zone suits EV makers?") == "which zone suits EV makers?"
    assert normalize_query("hey, quick one - who got the notice?") == "quick one - who got the notice?"
    assert normalize_query("Hi team - what is 4311?") == "what is 4311?"
    assert normalize_query("Hey Jude: is it a song?") == "Hey Jude: is it a song?"


def test_a_span_of_years_is_not_a_year() -> None:
    # "成立10年了，未来30年" counts years; it names no year 2010 or 2030.
    assert normalize_query("成立10年了，未来30年会怎样？") == "成立10年了,未来30年会怎样？"  # NFKC: ，→ ,
    assert normalize_query("20年内有什么变化") == "20年内有什么变化"
    assert normalize_query("从21年到25年") == "从2021年到2025年"


def test_question_parts() -> None:
    assert split_parts("汽车新势力主要放在哪个片区？到2025年要做到多大规模") == [
        "汽车新势力主要放在哪个片区",
        "到2025年要做到多大规模",
    ]
    assert len(split_parts("Which zones host life sciences, and what's the size target for it?")) == 2
    assert split_parts("北虹桥片区重点发展哪些产业？") == []
    # a preposition may open the next question ("…, and by what date must they report?")
    assert split_parts("Which governments got the notice, and by what date must they report back?") == [
        "Which governments got the notice",
        "and by what date must they report back",
    ]
    # a piece ending at a question mark asks something, with or without a question word
    assert split_parts("anything on FT accounts? what do firms need to qualify?") == [
        "anything on FT accounts",
        "what do firms need to qualify",
    ]
    # a telegraphic item ended by "+" or "&" asks something of its own; a fragment ended by "and" goes with the next
    assert split_parts("north hongqiao - main industries + how big is it?") == [
        "north hongqiao - main industries",
        "how big is it",
    ]
    assert split_parts("For the low-carbon sector and what companies are there?") == []
    # a spaced "+" lists the things asked, each a part; so does a telegraphic question naming its subject and listing
    # what it asks of it (one part per item, with the subject)
    listed = {
        "For East Hongqiao: main characteristics + target sectors?": [
            "For East Hongqiao: main characteristics",
            "target sectors",
        ],
        "Existing base: number of aviation firms, R&D firm ratio vs. Shanghai average?": [
            "Existing base: number of aviation firms",
            "Existing base: R&D firm ratio vs. Shanghai average",
        ],
        "2025 targets — gdp growth and sales volume?": ["2025 targets: gdp growth", "2025 targets: sales volume"],
    }
    assert {q: split_parts(q) for q in listed} == listed
    # a "+" in what the asker says of themselves joins two things they are; a list after a subject that asks gives
    # examples of what it asks
    assert split_parts("we're an aviation services + fintech company, which zone makes sense?") == []
    assert split_parts("What does the plan say about talent — residency, housing, schooling?") == []
    # a closing remark that asks nothing goes with the part before it, not a part of its own; one about the asker
    # is no part of any part
    assert split_parts("Which zone suits us? What's its size target? by the end of 2025") == [
        "Which zone suits us",
        "What's its size target, by the end of 2025",
    ]
    assert split_parts("Which zone suits us? What's its size target? we're working out a budget") == [
        "Which zone suits us",
        "What's its size target",
    ]
    assert "概括" not in content_terms("到2035年要达到什么远景？简单概括一下。")
    # where in the documents a question asks is no topic ("生命新科技部分提到的…": the catalogue's section)
    assert "部分" not in content_terms("目录生命新科技部分提到的医药3C服务包括哪些？")
    terms = content_terms("汽车新势力那一章，最后说要建个什么示范区？")  # (汽车新势力 is one word once taught)
    assert "示范区" in terms and not {"一章", "说要", "建个"} & set(terms)
    assert content_terms("商务区涉及哪几个区？") == ["商务区"]  # 涉及: how a place question asks
    # who the asker heard it from, and where and how often they are, is not what they ask
    terms = content_terms(normalize_query("天天在东虹桥那片，听乘客说那边要搞产业？"))
    assert "产业" in terms and not {"天天", "那片", "乘客"} & set(terms)
    assert normalize_query("听取企业意见的说明会有吗") == "听取企业意见的说明会有吗"  # 听取 … 说明: no hearsay
    # two characters the segmenter glued that each mean nothing (说要, 问下, 还有), a verb and its measure word (建个)
    assert content_terms("还有问下要搞个啥平台") == ["平台"]


def test_content_terms_drop_question_words() -> None:
    assert content_terms("通知一共印了几份？") == ["通知"]
    assert content_terms("“4311”是啥意思？") == ["4311"]  # 啥意思 asks as 什么意思 does
    assert content_terms("住房补贴金额是多少？") == ["住房补贴"]  # 金额: the form of the figure, as 数额
    assert content_terms("the plan wants trade shows incl. food ones, approximately?") == ["trade", "food"]
    assert "rents" in content_terms("What are office rents like?")
    assert content_terms("规划想把它做成什么样的示范区？") == ["示范区"]  # 做成 asks how, not what
    assert content_terms("虹桥CBD到底多大一块地方？") == ["虹桥", "cbd"]  # 一块地方: how people ask where or how big
    assert content_terms("您好，税收总量是多少？谢谢") == ["税收"]  # greetings, and 总量: the form of the figure
    assert content_terms("Dear Sir, quick question: tax revenue? Thanks, regards") == ["question", "tax", "revenue"]
    assert content_terms("Can someone explain 4311 simply, in a nutshell?") == ["4311"]  # how to answer, not what
    assert content_terms("这个园区最后要建成一个什么区？") == ["园区"]  # 建成 asks what it becomes
    assert content_terms("The three axes - what are they called?") == ["axes"]
    # what the asker is weighing, and "go after" (pursue), say how they ask
    assert content_terms("thinking of an office; what types of headquarters does the plan go after?") == [
        "office",
        "headquarters",
    ]
    assert content_terms("麻烦确认一下，除了会展经济还有哪些？") == ["会展经济"]  # 还有: 还 + 有, what else
    assert "客户" not in content_terms("有客户想了解会展经济：有多少家企业？")  # who asks, not what
    assert "正文" not in content_terms("规划正文里点名的北斗导航企业") and "点名" not in content_terms(
        "规划正文里点名的企业"
    )


def test_teaching_the_segmenter_twice_changes_nothing() -> None:
    import jieba

    from bot.qa.text import add_words

    add_words(["北虹桥片区", "汽车新势力"])
    total = jieba.dt.total
    before = content_terms("会展经济到2025年要办多少场国际性会展")
    add_words(["北虹桥片区", "汽车新势力"])
    assert jieba.dt.total == total
    assert content_terms("会展经济到2025年要办多少场国际性会展") == before


def test_markdown_links_keep_their_words_and_long_questions_have_few_parts() -> None:
    assert normalize_query("[点击这里](javascript:alert(1)) 北虹桥片区？") == "点击这里 北虹桥片区？"
    assert normalize_query("![图](x.png)北虹桥") == "图北虹桥"
    assert len(split_parts("北虹桥呢？" * 50 + "南虹桥呢？")) == 4


def test_figures_count_amounts_not_years_or_list_numbers() -> None:
    assert figures("打造生命新科技、汽车新势力、低碳新能源三个五百亿级产业") == ["五百亿"]
    assert figures("商品销售额超过 5000 亿元，入驻航空企业超过150余家") == ["5000", "150"]
    assert figures("4. 汽车新势力。到 2025 年") == []
    assert figures("推进一体化发展，万众创新") == []


def test_a_fragment_that_asks_nothing_goes_with_the_part_after_it() -> None:
    assert split_parts("In the catalogue, what counts as a functional headquarters?") == []
    assert split_parts("“虹桥大学”是咋回事？哪年能招生？") == ["“虹桥大学”是咋回事", "哪年能招生"]


def test_which_plus_a_count_is_a_question_word() -> None:
    # "哪四个“新”" asks for the four members, as 哪些 does: 四个 is no topic.
    assert "四个" not in content_terms("四新指的是哪四个新？") and "两类" not in content_terms("分为哪两类")


def test_the_asking_text_leaves_out_statements_around_the_question() -> None:
    assert asking_text("We provide aviation services. How many aviation firms are here?") == (
        "How many aviation firms are here?"
    )
    assert asking_text("我们做航空服务。商务区有多少家航空企业？") == "商务区有多少家航空企业？"
    assert asking_text("aviation firms") == "aviation firms"  # nothing asks: the whole text


def test_figures_a_question_states_as_known_are_premises() -> None:
    assert premises("2021年税收346亿，规划要求往后每年涨多少？") == ["2021", "346"]
    assert premises("2021年，商务区税收多少？") == []  # a year alone sets the time asked about
    assert premises("Is the 2025 target 1,000 HQs? How many are there now?") == []  # every clause asks


def test_a_label_before_a_colon_asks_nothing() -> None:
    """ "Airline HQ relocation question: how many aviation companies are here?": the label says what the asker is
    about, the question after it what a figure must count."""
    text = "Airline HQ relocation question: how many aviation companies are already here?"
    assert asking_text(text) == "how many aviation companies are already here?"


def test_an_adverb_may_open_the_next_part() -> None:
    """ "…, and roughly how many people live there?": a second question, however hedged."""
    text = "Which districts make up the CBD, and roughly how many people live there?"
    assert split_parts(text) == ["Which districts make up the CBD", "and roughly how many people live there"]


def test_years_in_chinese_numerals_and_chat_shorthand_are_read_as_written_out() -> None:
    assert normalize_query("展望二〇三五年，税收多少") == "展望2035年,税收多少"
    assert normalize_query("二零二五年的目标") == "2025年的目标"
    assert normalize_query("west hongqiao whats it known for n how big is it") == (
        "west hongqiao what is it known for and how big is it"
    )
    assert normalize_query("what r the targets abt R&D w/ ppl") == "what are the targets about R&D with people"
    assert normalize_query("n/a, U.S. firms") == "n/a, U.S. firms"  # no shorthand inside a short form
    # HQ is business shorthand, so that a phrase with it is the glossary's phrase ("aviation HQs")
    assert normalize_query("what aviation HQs are they after") == "what aviation headquarters are they after"
    assert normalize_query("商务区 r 是啥") == "商务区 r 是啥"  # Chinese text keeps its Latin letters
    # a compass point cut short before a place, and shorthand for a count, companies and an average
    assert normalize_query("the E. Hongqiao area and the S. axis") == "the east Hongqiao area and the south axis"
    assert normalize_query("# of aviation cos vs. Shanghai avg") == "number of aviation companies vs. Shanghai average"
    assert normalize_query("an agri-products trading platform") == "an agricultural products trading platform"
    # e-com is e-commerce; "target" as a verb is what a plan focuses on, the noun a figure aimed for
    assert normalize_query("does the plan target our cross-border e-com biz?") == (
        "does the plan focus on our cross-border e-commerce business?"
    )
    assert normalize_query("what are the 2025 targets?") == "what are the 2025 targets?"
    assert normalize_query("Beidou nav firms") == "Beidou navigation firms"


def test_a_part_asking_for_a_figure_in_everyday_words_is_a_part() -> None:
    assert split_parts("这个规划是哪个单位发的 文号多少 哪天发的")[-1] == "哪天发的"  # or a date
    assert split_parts("Is there a fund for the exhibition economy, and how much could we get per show?") == [
        "Is there a fund for the exhibition economy",
        "and how much could we get per show",
    ]


def test_a_chat_message_with_spaces_for_commas_splits_before_each_clause_that_asks() -> None:
    assert split_parts("商务区要设的产业基金叫啥 规模多大") == ["商务区要设的产业基金叫啥", "规模多大"]
    assert split_parts("北虹桥片区主打啥 靠啥载体 重点搞哪些产业") == [
        "北虹桥片区主打啥",
        "靠啥载体",
        "重点搞哪些产业",
    ]
    assert split_parts("北虹桥 重点搞哪些产业") == []  # a fragment that asks nothing goes with the clause after it
    # a clause may open with its question word (哪天发的) or ask with 能不能 / 干嘛
    assert split_parts("这个规划是哪个单位发的 文号多少 哪天发的") == ["这个规划是哪个单位发的", "文号多少", "哪天发的"]
    assert split_parts("商务区现在有综保区吗 啥时候能建成 保税维修业务能不能做") == [
        "商务区现在有综保区吗",
        "啥时候能建成",
        "保税维修业务能不能做",
    ]
    assert split_parts("west hongqiao what is it known for and how big is it") == [
        "west hongqiao what is it known for",
        "how big is it",
    ]


def test_a_question_word_fused_with_its_noun_leaves_the_noun_a_topic() -> None:
    from bot.qa.text import add_words

    # taught the glossary's names, jieba reads 哪些产业 as one word: the question word asks, 产业 is what is asked about
    add_words(["哪些产业"])
    assert content_terms("重点搞哪些产业") == ["产业"]
    assert content_terms("什么样的企业") == ["企业"]
    # how wide, what percent: question words however jieba cuts them
    assert content_terms("比上年多了百分之几") == content_terms("比上年多了多少")
    assert "有多广" not in content_terms("商务区占地有多广")


def test_a_verbal_noun_used_as_a_verb_is_no_noun() -> None:
    from bot.qa.text import nouns

    # 设置 before a question word and 尝试 before an adverb are how the question asks; 突破 and 保税 are things
    found = nouns("关于制度突破，规划打算争取设置哪类保税区域，并尝试率先建设怎样的综保区？")
    assert "设置" not in found and "尝试" not in found
    assert {"突破", "保税", "制度"} <= found
    assert {"写字楼", "租金"} <= nouns("写字楼租金多少？")


def test_what_a_question_says_of_the_asker_is_no_part_of_it() -> None:
    """A closing remark about the asker ("我这边要核对一下分发名单", "I need both for a board memo") is dropped from the
    last part; a sentence that asks all the same ("我想了解一下…", "we'd like to know if …") is no such remark."""
    assert split_parts("通知主送给哪几个区政府？另外抄送了哪些单位？我这边要核对一下分发名单。") == [
        "通知主送给哪几个区政府",
        "抄送了哪些单位",
    ]
    assert split_parts("Who issued the plan, and on what date was it released? I need both for a board memo.") == [
        "Who issued the plan",
        "and on what date was it released",
    ]
    kept = ["北虹桥有哪些产业", "南虹桥呢，by the way, 年底前"]  # a remark not about the asker stays
    assert split_parts("北虹桥有哪些产业？南虹桥呢？by the way, 年底前") == kept
    assert about_asker("We are a UK law firm thinking about a Shanghai presence.")
    assert not about_asker("We'd like to know if the plan covers law firms.")
    assert not about_asker("我想了解一下北虹桥的定位")
    assert not about_asker("Which zone suits us?")
    assert without_asker("We're a logistics company weighing Hongqiao. How large is the CBD") == "How large is the CBD"
    assert without_asker("We're a logistics company.") == "We're a logistics company."  # nothing else is left


def test_a_relayed_question_and_filler_adverbs_are_read_without_them() -> None:
    assert normalize_query("同事问离岸贸易这块 重点发展哪些业务") == "离岸贸易这块 重点发展哪些业务"
    assert normalize_query("客户问题是什么") == "客户问题是什么"  # 问题 is a word of the question
    assert normalize_query("Who actually issued the plan, really?") == "Who issued the plan, ?"


def test_words_naming_the_form_of_the_answer_are_no_topic() -> None:
    """ "同比增长幅度为多少", "哪些业务类型": the figure is the growth, the list the business lines."""
    assert "幅度" not in content_terms("同比增长幅度为多少")
    assert "类型" not in content_terms("重点发展哪些业务类型")


def test_a_clause_ending_le_mei_is_a_part_of_its_own() -> None:
    assert split_parts("“虹桥大学”是怎么回事？选址定了没") == ["“虹桥大学”是怎么回事", "选址定了没"]


def test_a_leading_clause_about_the_asker_is_no_part_of_the_question() -> None:
    from bot.qa.text import without_asker

    assert without_asker("我是跑虹桥条线的记者，想核实一下还抄送了哪些单位？") == "想核实一下还抄送了哪些单位？"
    q = "As a consultant for a Brazilian agritech group, I'd like to know which platforms it wants"
    assert without_asker(q) == "I'd like to know which platforms it wants"
    # a leading clause that asks stays ("我想了解一下，…")
    assert without_asker("我想了解一下，北虹桥片区重点发展哪些产业？") == "我想了解一下，北虹桥片区重点发展哪些产业？"


def test_how_words_say_where_or_how_a_question_asks() -> None:
    from bot.qa.text import how_words

    assert "沿线" in how_words("沿线串了哪些平台") and "平台" not in how_words("沿线串了哪些平台")


def test_a_set_phrase_ending_in_a_noun_names_a_thing() -> None:
    from bot.qa.text import nouns

    assert "联系电话" in nouns("管委会的联系电话有吗？")
    assert not nouns("是哪几个？怎么回事")


def test_a_role_or_what_the_asker_is_doing_is_a_statement_about_the_asker() -> None:
    """ "Relocation consultant here.", "Airline exec.", "写论文要用点基础数据：": who asks and why, said without "I" or
    "we"; a plural of a role word is a thing asked about, not who asks."""
    assert without_asker("Relocation consultant here. How big is the Hongqiao CBD") == "How big is the Hongqiao CBD"
    assert without_asker("Airline exec. How many airlines are here?") == "How many airlines are here?"
    assert without_asker("Spanish biotech VC. Where does the axis start?") == "Where does the axis start?"
    assert without_asker("Lawyer advising a US client: what must a firm register?") == "what must a firm register?"
    assert without_asker("写论文要用点基础数据：商务区总面积多少平方公里？") == "商务区总面积多少平方公里？"
    assert without_asker("HR一枚，规划里对人才有啥政策？") == "规划里对人才有啥政策？"
    # the trade a clause names ("做招商中介的，", "开出租的，"), a role writing a paper, a chat tilde for the comma
    assert without_asker("做招商中介的，客户问进驻了多少家机构？") == "客户问进驻了多少家机构？"
    assert without_asker(normalize_query("研究生写论文用~想问下数字企业有多少家？")) == "想问下数字企业有多少家？"
    assert without_asker("做医药的企业，可以去哪个片区？") == "做医药的企业，可以去哪个片区？"  # a thing, not a trade
    assert normalize_query("到2035年~2040年") == "到2035年~2040年"  # a range keeps its tilde
    # what the asker's company is, said as a label (a nationality, a trade, a kind of company), asks nothing
    assert without_asker("German Tier-1 auto supplier. Which zone suits automotive?") == "Which zone suits automotive?"
    q = "Brazilian agritech exporter (soy, coffee, beef). Does Hongqiao plan a trading platform?"
    assert without_asker(q) == "Does Hongqiao plan a trading platform?"
    q = "Japanese sogo shosha, thinking of a trading HQ. What types of headquarters does the plan go after?"
    assert without_asker(q) == "thinking of a trading HQ. What types of headquarters does the plan go after?"
    assert not about_asker("Which company leads the group?")
    assert not about_asker("On promoting the Hongqiao brand:")  # a subject, not what the asker is
    assert not about_asker("Fund managers and investment companies.")
    assert not about_asker("Fund manager here: which zone suits us?")


def test_american_spellings_stem_as_the_british_ones_the_documents_english_uses() -> None:
    from bot.qa.text import stem

    for american, british in (
        ("organizers", "organisers"),
        ("prioritized", "prioritised"),
        ("analyze", "analyse"),
        ("center", "centre"),
        ("programs", "programmes"),
        ("catalog", "catalogue"),
    ):
        assert stem(american) == stem(british)
    assert stem("size") != stem("sise") and stem("citizen") == "citizen"  # no -ize there


def test_an_a_not_a_question_asks() -> None:
    """ "管不管", "贵不贵", "行不行": a verb or adjective, 不 and the same again asks yes or no."""
    from bot.qa.text import asks

    assert asks("落户、孩子上学这些管不管") and asks("租金贵不贵") and not asks("产业能级不断提升")


def test_item_markers_number_parts_and_are_no_figures() -> None:
    assert normalize_query("quick qs: (1) how many digital firms? (2) which software firms?") == (
        "quick qs: how many digital firms? which software firms?"
    )
    # a marker after words that do not end in a break starts a new part
    assert normalize_query("(1) how many digital firms (2) which software firms") == (
        "how many digital firms; which software firms"
    )
    assert normalize_query("国际组织(机构)总部有哪些？") == "国际组织(机构)总部有哪些？"  # brackets in a name stay
    assert split_parts(normalize_query("（1）商务区多大？（2）税收多少？")) == ["商务区多大", "税收多少"]


def test_a_label_before_a_spaced_dash_says_who_asks() -> None:
    label = "Aussie wine exporter again - which zone hosts trade shows?"
    assert without_asker(label) == "which zone hosts trade shows?"
    assert without_asker("Indian IT services co. Which software firms are named?") == "Which software firms are named?"
    # the question refers back to what the asker said: the statement holds its subject
    whole = "We do aviation leasing - is that a priority sector?"
    assert without_asker(whole) == whole


def test_aspects_listed_in_closing_brackets_are_parts() -> None:
    q = "What does the plan say about legal services in Hongqiao (existing base + what they want to attract)?"
    assert split_parts(q) == [
        "What does the plan say about legal services in Hongqiao: existing base",
        "What does the plan say about legal services in Hongqiao: what they want to attract",
    ]
    assert split_parts("Which zone suits medical devices (and why)?") == []  # no "+": one question


def test_english_adverbs_and_passive_verbs_say_how_a_question_asks() -> None:
    from bot.qa.text import how_words_en

    assert how_words_en("which industries are assigned to it, geographically?") == {"assigned", "geographically"}
    assert not how_words_en("what is the centre's address, and how long is the axis?")
    # The verb after an auxiliary and a pronoun says how the part asks of the thing named before it.
    assert how_words_en("what platforms does it lean on") == {"lean"}
    assert how_words_en("which platforms are strung along it") == {"strung"}  # an irregular participle
    assert how_words_en("and when will it open?") == {"open"}
    assert not how_words_en("does the plan mention rents?")  # a noun subject: its verb may be what is asked


def test_a_whole_sentence_about_the_asker_goes_whole_when_it_asks_nothing() -> None:
    from bot.qa.text import without_asker

    # its later clauses say the asker's circumstances too, not what is asked
    q = "我退伍前在部队干航空机务的，现在想自己创业做点航空相关的。想知道规划里“临空服务”鼓励发展哪些航空配套服务？"
    assert without_asker(q) == "想知道规划里“临空服务”鼓励发展哪些航空配套服务？"
    # a sentence that asks (a question word, a question mark) keeps what follows its opening clause
    q = "我开出租的，天天在东虹桥那片拉活，主要搞哪几样啊？"
    assert without_asker(q) == "天天在东虹桥那片拉活，主要搞哪几样啊？"
    # a role before a comma is a label about the asker as "我是…" is ("长宁这边社区工作者，", "外卖骑手，")
    assert without_asker("长宁这边社区工作者，问下东虹桥片区是个啥定位？") == "问下东虹桥片区是个啥定位？"
    assert without_asker("外卖骑手，商务区有没有补贴？") == "商务区有没有补贴？"
    assert without_asker("哪些记者，去过北虹桥？") == "哪些记者，去过北虹桥？"  # a question word: it asks
    # a trade said with 搞 as with 做/开/跑/干; the label ends at the first comma of either width
    assert without_asker("搞私募的，规划里说要设个产业引导基金，叫啥名？") == "规划里说要设个产业引导基金，叫啥名？"
    assert without_asker("做外贸的,商务区有哪些平台，怎么申请？") == "商务区有哪些平台，怎么申请？"


def test_an_abbreviations_period_ends_no_sentence_when_the_sentence_goes_on() -> None:
    from bot.qa.text import normalize_query

    q = "we are a machine-tool maker (approx. 800 staff) and consider an HQ. What kind of HQs does it target?"
    text = normalize_query(q)
    assert "approximately 800 staff" in text
    assert split_parts(text) == []  # one question: "(approx." ended no sentence
    # a one- or two-letter short form with a period may be an initial ("N. Hongqiao"): not read as shorthand (n: and)
    assert "and" not in normalize_query("N. Hongqiao zone: target industries?").lower().split()


def test_items_numbered_one_dot_two_dot_are_markers_not_figures() -> None:
    from bot.qa.text import normalize_query

    q = "We are a fintech. 1. Does the plan mention digital RMB? 2. What kind of firms does it list?"
    assert normalize_query(q) == "We are a fintech. Does the plan mention digital RMB? What kind of firms does it list?"
    # a number with a period that counts from nowhere, or a decimal, stays
    assert normalize_query("Tax was 346. What about 2025?") == "Tax was 346. What about 2025?"
    assert normalize_query("GDP grew 2.4 times. What now?") == "GDP grew 2.4 times. What now?"


def test_that_typed_for_which_in_a_clause_that_asks_nothing_else_asks_which() -> None:
    # 那些 and 哪些 sound alike: "有那些政策支持" asks which; in a clause asking something else 那些 points back.
    assert normalize_query("引进人才有那些政策支持 住房补贴标准多少") == "引进人才有哪些政策支持 住房补贴标准多少"
    assert split_parts(normalize_query("引进人才有那些政策支持 住房补贴标准多少")) == [
        "引进人才有哪些政策支持",
        "住房补贴标准多少",
    ]
    assert normalize_query("那些企业在哪个片区？") == "那些企业在哪个片区？"


def test_short_plurals_of_government_are_read_as_the_word() -> None:
    assert normalize_query("notice sent to which district govs") == "notice sent to which district governments"
    assert normalize_query("which govts got it") == "which governments got it"


def test_which_things_joined_to_which_others_share_the_predicate_after_them() -> None:
    # "which zones and which development axes have X": both parts ask what has X, not the first "which zones" alone.
    parts = split_parts(
        "Looking at the layout, which zones and which development axes have low-carbon industries as a focus?"
    )
    assert parts == [
        "Looking at the layout, which zones have low-carbon industries as a focus",
        "which development axes have low-carbon industries as a focus",
    ]
    # a first part with a verb of its own keeps its own predicate
    assert split_parts("What is the target, and which zones have it?") == [
        "What is the target",
        "and which zones have it",
    ]


def test_by_the_way_asks_nothing() -> None:
    assert content_terms("顺便问下全域面积多大") == ["全域", "面积"]


def test_a_few_words_closed_by_their_own_question_mark_after_a_comma_are_a_part() -> None:
    # a telegraphic list: "is there one, size?, how to apply" asks three things
    assert split_parts("cbd industry guidance fund - is there 1, size?, how to apply") == [
        "cbd industry guidance fund - is there 1",
        "size",
        "how to apply",
    ]
    # the last of a list of aspects asks with the others
    assert split_parts("What does the plan say about talent — residency, housing, schooling?") == []
