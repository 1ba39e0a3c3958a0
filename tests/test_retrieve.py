"""Stage 2, retrieve: what each side of the hybrid search reads, and rank fusion."""

from bot.qa.config import EngineConfig
from bot.qa.retrieve import _rrf, dense_text, keyword_tokens


def test_keyword_tokens_weigh_words_bigrams_and_glossary_terms(analyser) -> None:
    a = analyser.analyse("Which zone focuses on new energy vehicles?")
    toks = keyword_tokens(a.whole, bigram_weight=0.5)
    assert toks["汽车新势力"] == 1.0  # the glossary's document term, at full weight
    assert min(toks.values()) > 0 and toks.get("zone") == 1.0
    related = [t for t, w in a.whole.expansion if w < 1.0]
    assert related and all(toks[t] <= EngineConfig().related_weight for t in related if t in toks)


def test_the_dense_query_adds_document_terms_to_english_questions_only(analyser) -> None:
    c = EngineConfig()
    en = analyser.analyse("Which zone focuses on new energy vehicles?")
    assert "汽车新势力" in dense_text(en, c) and dense_text(en, c).startswith(en.text)
    zh = analyser.analyse("北虹桥片区重点发展哪些产业？")
    assert dense_text(zh, c) == zh.text
    long = analyser.analyse("北虹桥" * 300)
    assert len(dense_text(long, c)) == c.dense_chars


def test_weighted_reciprocal_rank_fusion() -> None:
    fused = _rrf([({"a": 1, "b": 2}, 1.0), ({"b": 1}, 3.0)], c=5)
    assert fused["b"] == 1 / 7 + 3 / 6 and fused["a"] == 1 / 6 and fused["b"] > fused["a"]


def test_a_name_is_searched_word_for_word_among_the_passages_that_say_it(analyser) -> None:
    """ "蔚来在虹桥有啥具体布局计划": a company named once in a long list of companies weighs little in that
    passage's score; the name search finds it among the passages that say it, and only those."""
    from bot.qa.analyse import PartAnalysis
    from bot.qa.retrieve import HybridRetriever, KeywordIndex
    from ingest.store import StoredChunk

    chunks = [
        StoredChunk("brand", "打造商务区全球贸易商计划品牌，常态化推介商务区布局。", {"section": "举措"}),
        StoredChunk(
            "cars", "中核建设、晶科能源等为新能源产业，蔚来、威马等汽车行业新总部加速集聚。", {"section": "基础"}
        ),
        StoredChunk("zone", "北虹桥片区重点发展汽车新势力。", {"section": "布局"}),
    ]
    # keyword search only: no dense index is read
    retriever = HybridRetriever.model_construct(
        keyword_index=KeywordIndex(chunks), analyser=analyser, config=analyser.config
    )
    query = PartAnalysis("蔚来在虹桥有啥具体布局", ())
    found = retriever.name_search([query], frozenset({"蔚来"}), set())
    assert [r.chunk_id for r in found] == ["cars"]
    assert retriever.name_search([query], frozenset({"蔚来"}), {"cars"}) == []


def test_a_cover_is_ranked_only_for_a_question_asking_when_a_document_is_dated(analyser) -> None:
    """The documents' covers (a title and a month) are in no keyword statistics, take no place in a ranking for a
    question that asks no date, and rank with the best for one asking when a document is dated."""
    from bot.qa.retrieve import HybridRetriever, KeywordIndex
    from ingest.store import Hit, StoredChunk

    cover = StoredChunk(
        "cover", "虹桥国际中央商务区 产业发展规划\n2022 年 8 月", {"section": "产业发展规划", "kind": "cover"}
    )
    chunks = [
        cover,
        StoredChunk("zone", "北虹桥片区重点发展汽车新势力。", {"section": "布局", "kind": "prose"}),
        StoredChunk("notice", "2022年9月14日印发。", {"section": "通知", "kind": "prose"}),
    ]

    class Dense:  # the cover is the nearest by meaning to every question here
        def query(self, collection, vector, k):
            return [Hit("cover", 0.9), Hit("zone", 0.5), Hit("notice", 0.4)][:k]

    class Embeddings:
        def embed_query(self, text):
            return [0.0]

    keyword = KeywordIndex(chunks)
    assert keyword.scores({"产业发展规划": 1.0})[0] == 0.0  # the keyword index holds no cover
    retriever = HybridRetriever.model_construct(
        index=Dense(),
        collection=None,
        embeddings=Embeddings(),
        keyword_index=keyword,
        analyser=analyser,
        config=analyser.config,
        parents={},
        k=3,
    )
    plain = retriever.retrieve("北虹桥片区重点发展哪些产业？")
    assert "cover" not in [r.chunk_id for r in plain]
    dated = retriever.retrieve("规划是什么时候印发的？")
    assert dated[0].chunk_id == "cover"
