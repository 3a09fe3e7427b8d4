import math

from ipe.memory.embeddings import HashingEmbeddings


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_vectors_are_unit_length_and_deterministic() -> None:
    emb = HashingEmbeddings(size=128)
    v = emb.embed_query("instagram creators in outdoor niches")
    assert len(v) == 128
    assert math.isclose(sum(x * x for x in v), 1.0, rel_tol=1e-9)
    assert v == HashingEmbeddings(size=128).embed_query("instagram creators in outdoor niches")


def test_similar_texts_are_nearer_than_unrelated_ones() -> None:
    emb = HashingEmbeddings()
    q = emb.embed_query("instagram creators in outdoor and travel niches")
    near = emb.embed_query("On instagram, outdoor travel creators respond to their latest trip")
    far = emb.embed_query("linkedin finance executives prefer a formal call")
    assert _cos(q, near) > _cos(q, far) + 0.1


def test_empty_text_gives_zero_vector_not_nan() -> None:
    assert HashingEmbeddings(size=16).embed_query("") == [0.0] * 16
