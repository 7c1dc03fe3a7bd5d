"""The stage list: order, batching, and one bad document never stopping a batch."""

from dateline.pipeline import STAGES, Pipeline
from dateline.records import Document


def test_stage_order_is_declared_in_one_place():
    assert STAGES == ["nlp", "events", "dates", "places", "actors", "fatalities", "status"]


def test_a_failing_stage_marks_the_document_and_the_batch_goes_on():
    pipeline = Pipeline(["nlp", "events"])

    def broken(doc: Document) -> Document:
        if "boom" in doc.text:
            raise RuntimeError("bad input")
        return doc

    pipeline.stages.append(("broken", broken))
    docs = [Document(id="a", text="Rebels shelled the town."),
            Document(id="b", text="boom"),
            Document(id="c", text=""),
            Document(id="d", text="x", errors=["cannot read 'd.txt'"])]
    out = list(pipeline.pipe(docs, batch_size=2))
    assert [d.id for d in out] == ["a", "b", "c", "d"]
    assert out[0].errors == [] and out[0].events
    assert out[1].errors == ["broken: RuntimeError: bad input"] and out[1].events == []
    assert out[3].errors == ["cannot read 'd.txt'"]


def test_a_document_over_the_time_limit_is_stopped_and_the_batch_goes_on():
    pipeline = Pipeline(["nlp"], seconds=0.5)

    def slow(doc: Document) -> Document:
        while "forever" in doc.text:
            pass
        return doc

    pipeline.stages.append(("slow", slow))
    out = list(pipeline.pipe([Document(id="a", text="Loops forever."),
                              Document(id="b", text="Rebels shelled the town.")]))
    assert out[0].errors == ["timed out in slow: took longer than the 0.5 s limit per "
                             "document (--timeout)"]
    assert out[1].errors == [] and out[1].nlp is not None
