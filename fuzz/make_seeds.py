"""Writes the seed corpus of the fuzz targets (fuzz/corpus/). Run from fuzz/corpus:
    cd fuzz/corpus && python3 ../make_seeds.py
Each file is a control byte (actor and start board, see fuzz/src/harness.rs)
followed by a frame; sequences hold one such line per frame."""
import os, json
A, B, O, V = "0", "1", "2", "3"          # actors on the seeded open board
CLOSED, EMPTY, ENDED = "4", "8", "<"     # participant A on other start boards
CLOSED_O, EMPTY_O, ENDED_O = "6", ":", ">"  # organiser on them

def c(op, req="r1", **f):
    d = {"op": op, "req": req}; d.update(f); return json.dumps(d, ensure_ascii=False)

seeds = {
 # hello
 "hello_min": A + '{"op":"hello"}',
 "hello_nulls": A + '{"op":"hello","protocol":1,"since":null,"token":null,"organiser":null,"role":null}',
 "hello_resume": A + '{"op":"hello","protocol":1,"since":4,"token":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}',
 "hello_organiser": O + '{"op":"hello","protocol":1,"organiser":"s3cret","role":"organiser"}',
 "hello_viewer": V + '{"op":"hello","protocol":1,"role":"viewer"}',
 "hello_bad_protocol": A + '{"op":"hello","protocol":2}',
 "hello_since_string": A + '{"op":"hello","since":"x"}',
 "hello_since_negative": A + '{"op":"hello","since":-1}',
 "hello_since_huge": A + '{"op":"hello","since":18446744073709551616}',
 # every command op, accepted
 "claim_free": A + c("claim", slot="sat-1030", room="amphi", title="Rust & WebSockets", host="Maël"),
 "claim_full": B + c("claim", "c-1", slot="sat-1030", room="salle-2", title=" Rust ", host="Maël", description="line one\r\nline two", tags=["rust", "web", "rust"], extra=1),
 "claim_empty_board": EMPTY + c("claim", slot="sat-0930", room="amphi", title="Premier", host="Zoé"),
 "edit_own": A + c("edit", session="s_1", title="Rust, async & WebSockets"),
 "edit_organiser": O + c("edit", session="s_2", host="Les jardiniers", description="", tags=[]),
 "edit_closed_owner": CLOSED + c("edit", session="s_1", tags=["rust", "tokio"]),
 "release_own": A + c("release", session="s_1"),
 "release_organiser": O + c("release", session="s_2"),
 "move_own": A + c("move", session="s_1", slot="sat-1030", room="salle-2"),
 "move_organiser_closed": CLOSED_O + c("move", session="s_2", slot="sat-1130", room="amphi"),
 "swap": O + c("swap", a="s_1", b="s_2"),
 "lock": O + c("lock", slot="sat-1030", room="amphi"),
 "unlock": O + c("unlock", slot="sat-1130", room="salle-2"),
 "set_open_false": O + c("set_open", open=False),
 "set_open_true_closed": CLOSED_O + c("set_open", open=True),
 "announce": O + c("announce", text="Pizza at 13:00 🍕"),
 "announce_clear": O + c("announce", text=""),
 "vote_on": A + c("vote", session="s_2", on=True),
 "vote_off": B + c("vote", session="s_1", on=False),
 "end": O + c("end"),
 # rejected by the rules
 "claim_taken": B + c("claim", slot="sat-0930", room="amphi", title="Mine", host="Bob"),
 "claim_locked": O + c("claim", slot="sat-1130", room="salle-2", title="Locked", host="Org"),
 "claim_closed": CLOSED + c("claim", slot="sat-1030", room="amphi", title="Late", host="Al"),
 "claim_ended": ENDED + c("claim", slot="sat-1030", room="amphi", title="Too late", host="Al"),
 "claim_viewer": V + c("claim", slot="sat-1030", room="amphi", title="Wall", host="Wall"),
 "claim_no_room": A + c("claim", slot="sat-1030", room="cave", title="Nowhere", host="Al"),
 "claim_no_slot": A + c("claim", slot="sun-0900", room="amphi", title="Nowhen", host="Al"),
 "edit_not_owner": B + c("edit", session="s_1", title="Hijack"),
 "edit_nothing": A + c("edit", session="s_1"),
 "release_not_found": O + c("release", session="s_99"),
 "release_closed_owner": CLOSED + c("release", session="s_1"),
 "move_taken": A + c("move", session="s_1", slot="sat-0930", room="salle-2"),
 "move_same_cell": A + c("move", session="s_1", slot="sat-0930", room="amphi"),
 "move_locked": A + c("move", session="s_1", slot="sat-1130", room="salle-2"),
 "swap_self": O + c("swap", a="s_1", b="s_1"),
 "swap_participant": A + c("swap", a="s_1", b="s_2"),
 "lock_locked": O + c("lock", slot="sat-1130", room="salle-2"),
 "unlock_unlocked": O + c("unlock", slot="sat-0930", room="amphi"),
 "set_open_open": O + c("set_open", open=True),
 "announce_same": O + c("announce", text="Lunch at 12:30"),
 "announce_participant": A + c("announce", text="hi"),
 "vote_twice": B + c("vote", session="s_1", on=True),
 "vote_never": A + c("vote", session="s_2", on=False),
 "end_participant": A + c("end"),
 "end_ended": ENDED_O + c("end"),
 "viewer_vote": V + c("vote", session="s_1", on=True),
 # refused by the parser
 "not_json": A + "nope",
 "truncated": A + '{"op":',
 "array": A + "[1,2]",
 "number": A + "42",
 "empty_object": A + "{}",
 "op_number": A + '{"op":7,"req":"a"}',
 "no_req": A + '{"op":"release","session":"s_1"}',
 "req_empty": A + '{"op":"release","req":"","session":"s_1"}',
 "req_number": A + '{"op":"release","req":5,"session":"s_1"}',
 "req_long": A + c("release", "r" * 65, session="s_1"),
 "req_64_unicode": A + c("release", "é" * 64, session="s_1"),
 "unknown_op": A + c("teleport"),
 "op_restore": O + c("restore", session={"id": "s_1"}),
 "claim_slot_number": A + '{"op":"claim","req":"a","slot":5,"room":"amphi","title":"t","host":"h"}',
 "claim_missing_room": A + '{"op":"claim","req":"a","slot":"sat-1030","title":"t","host":"h"}',
 "vote_on_string": A + c("vote", session="s_1", on="yes"),
 "set_open_missing": O + c("set_open"),
 "set_open_null": O + c("set_open", open=None),
 "title_bell": A + '{"op":"claim","req":"a","slot":"sat-1030","room":"amphi","title":"t\\u0007","host":"h"}',
 "title_blank": A + c("claim", slot="sat-1030", room="amphi", title="   ", host="h"),
 "title_bidi": A + c("claim", slot="sat-1030", room="amphi", title="abc\u202edcb", host="h"),
 "title_isolate": A + c("claim", slot="sat-1030", room="amphi", title="x\u2066y", host="h"),
 "title_c1": A + c("claim", slot="sat-1030", room="amphi", title="x\u0085y", host="h"),
 "title_81": A + c("claim", slot="sat-1030", room="amphi", title="t" * 81, host="h"),
 "title_80_crabs": A + c("claim", slot="sat-1030", room="amphi", title="🦀" * 80, host="h"),
 "title_combining": A + c("claim", slot="sat-1030", room="amphi", title="e\u0301" * 41, host="h"),
 "host_61": A + c("claim", slot="sat-1030", room="amphi", title="t", host="h" * 61),
 "description_501": A + c("claim", slot="sat-1030", room="amphi", title="t", host="h", description="d" * 501),
 "description_tab": A + c("claim", slot="sat-1030", room="amphi", title="t", host="h", description="a\tb"),
 "tags_six": A + c("claim", slot="sat-1030", room="amphi", title="t", host="h", tags=["a", "b", "c", "d", "e", "f"]),
 "tags_six_dupes": A + c("claim", slot="sat-1030", room="amphi", title="t", host="h", tags=["a", "b", "c", "d", "e", "a"]),
 "tags_number": A + '{"op":"claim","req":"a","slot":"sat-1030","room":"amphi","title":"t","host":"h","tags":[1]}',
 "tag_25": A + c("claim", slot="sat-1030", room="amphi", title="t", host="h", tags=["x" * 25]),
 "tag_blank": A + c("claim", slot="sat-1030", room="amphi", title="t", host="h", tags=[" "]),
 "announce_281": O + c("announce", text="a" * 281),
 "announce_newline": O + c("announce", text="a\nb"),
 "edit_title_null": A + c("edit", session="s_1", title=None),
 "lone_surrogate": A + '{"op":"claim","req":"a","slot":"sat-1030","room":"amphi","title":"\\ud800","host":"h"}',
 "surrogate_pair": A + '{"op":"claim","req":"a","slot":"sat-1030","room":"amphi","title":"\\ud83e\\udd80","host":"h"}',
 "nul_escape": A + '{"op":"claim","req":"a","slot":"sat-1030","room":"amphi","title":"a\\u0000b","host":"h"}',
 "duplicate_keys": A + '{"op":"vote","req":"a","op":"end","session":"s_1","on":true}',
 "deep_nesting": A + '{"op":"vote","req":"a","session":"s_1","on":true,"x":' + "[" * 200 + "]" * 200 + "}",
 "bom": A + "\ufeff" + c("end"),
 "trailing_garbage": O + c("end") + "}",
 "two_objects": O + c("end") + c("end"),
 "whitespace": O + ' \n\t{ "op" : "end" , "req" : "w" }\n ',
}

# Raw bytes: invalid UTF-8 in the middle of a frame.
raw = {
 "invalid_utf8": A.encode() + b'{"op":"claim","req":"a","slot":"sat-1030","room":"amphi","title":"\xff\xfe","host":"h"}',
 "empty_frame": A.encode(),
}

sequences = {
 "claim_edit_vote_release": "\n".join([
   A + c("claim", "1", slot="sat-1030", room="amphi", title="Tokio", host="Al"),
   A + c("edit", "2", session="s_6", title="Tokio deep dive"),
   B + c("vote", "3", session="s_6", on=True),
   O + c("vote", "4", session="s_6", on=True),
   B + c("vote", "5", session="s_6", on=False),
   A + c("release", "6", session="s_6"),
   B + c("vote", "7", session="s_6", on=True),
 ]),
 "organiser_day": "\n".join([
   O + '{"op":"hello","protocol":1,"role":"organiser","organiser":"x"}',
   O + c("set_open", "1", open=False),
   A + c("claim", "2", slot="sat-1030", room="amphi", title="Late", host="Al"),
   O + c("move", "3", session="s_1", slot="sat-1030", room="amphi"),
   O + c("swap", "4", a="s_1", b="s_2"),
   O + c("unlock", "5", slot="sat-1130", room="salle-2"),
   O + c("lock", "6", slot="sat-0930", room="amphi"),
   O + c("set_open", "7", open=True),
   B + c("move", "8", session="s_2", slot="sat-1130", room="salle-2"),
   O + c("announce", "9", text=""),
   O + c("end", "10"),
   O + c("announce", "11", text="after the end"),
 ]),
 "fill_the_grid": "\n".join(
   # the first line starts from the empty board (control byte 8)
   [(EMPTY if i == 0 else "0123"[i % 3]) + c("claim", str(i), slot=s, room=r, title=f"T{i}", host="H")
    for i, (s, r) in enumerate((s, r) for s in ["sat-0930", "sat-1030", "sat-1130"] for r in ["amphi", "salle-2"])]
   + [O + c("claim", "x", slot="sat-0930", room="amphi", title="Full", host="H"),
      O + c("release", "y", session="s_3"),
      O + c("move", "z", session="s_1", slot="sat-1030", room="amphi")]),
 "viewer_and_garbage": "\n".join([
   V + '{"op":"hello","role":"viewer"}',
   V + c("claim", "1", slot="sat-1030", room="amphi", title="Wall", host="W"),
   A + "nope",
   A + c("release", "r" * 65, session="s_1"),
   B + c("teleport", "2"),
   A + c("claim", "3", slot="sat-1030", room="amphi", title="t\u202e", host="h"),
   A + c("move", "4", session="s_1", slot="sat-1030", room="salle-2"),
 ]),
 "swap_then_move_back": "\n".join([
   O + c("swap", "1", a="s_2", b="s_1"),
   A + c("move", "2", session="s_1", slot="sat-0930", room="amphi"),
   O + c("swap", "3", a="s_1", b="s_2"),
   B + c("release", "4", session="s_2"),
   A + c("move", "5", session="s_1", slot="sat-0930", room="salle-2"),
 ]),
 "ended_start": "\n".join([
   ENDED_O + c("set_open", "1", open=False),
   O + c("end", "2"),
   A + c("vote", "3", session="s_1", on=True),
 ]),
}

for name, text in seeds.items():
    open(f"frame_apply/{name}", "wb").write(text.encode())
for name, data in raw.items():
    open(f"frame_apply/{name}", "wb").write(data)
for name, text in sequences.items():
    open(f"frame_sequence/{name}", "wb").write(text.encode())
# Every single-frame seed is also a one-line sequence.
for name, text in seeds.items():
    if "\n" not in text:
        open(f"frame_sequence/one_{name}", "wb").write(text.encode())
print(len(os.listdir("frame_apply")), len(os.listdir("frame_sequence")))
