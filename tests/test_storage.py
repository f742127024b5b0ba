"""The store of uploaded files: content-addressed, written whole or not at all, bounded, never a path."""

import hashlib
import io

import pytest

from app.storage import LocalStorage, TooLarge


class Broken(io.BytesIO):
    """A stream that fails halfway, as a client that hangs up does."""

    def read(self, size=-1):
        if self.tell() > 0:
            raise ConnectionResetError("client went away")
        return super().read(4)


def stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_a_file_is_stored_under_its_digest_and_read_back_the_same(tmp_path):
    store = LocalStorage(tmp_path)
    content = b"%PDF-1.7 business plan" * 1000

    stored = store.put(io.BytesIO(content))

    assert stored.sha256 == hashlib.sha256(content).hexdigest() and stored.size == len(content)
    with store.open(stored.sha256) as stream:
        assert stream.read() == content
    assert stored_files(tmp_path) == [store.path(stored.sha256)]


def test_the_same_bytes_twice_take_the_room_of_one(tmp_path):
    store = LocalStorage(tmp_path)

    first, second = store.put(io.BytesIO(b"slides")), store.put(io.BytesIO(b"slides"))

    assert first == second
    assert len(stored_files(tmp_path)) == 1


def test_a_file_past_the_limit_is_refused_and_nothing_is_kept(tmp_path):
    store = LocalStorage(tmp_path)

    with pytest.raises(TooLarge):
        store.put(io.BytesIO(b"x" * 101), max_bytes=100)

    assert stored_files(tmp_path) == []
    assert store.put(io.BytesIO(b"x" * 100), max_bytes=100).size == 100  # the limit itself is allowed


def test_a_broken_upload_leaves_nothing_behind(tmp_path):
    store = LocalStorage(tmp_path)

    with pytest.raises(ConnectionResetError):
        store.put(Broken(b"0123456789"))

    assert stored_files(tmp_path) == []


@pytest.mark.parametrize("key", ["../../etc/passwd", "ab/../../x", "A" * 64, "", "0" * 63])
def test_a_key_that_is_not_a_digest_is_never_a_path(tmp_path, key):
    store = LocalStorage(tmp_path)

    for use in (store.open, store.path, store.exists, store.delete):
        with pytest.raises(ValueError):
            use(key)
