"""Render results/bench.json as docs/benchmarks.md (generated: edit this, not the doc)."""

import re
from typing import Dict, List, Optional

from benchmarks import load as load_mod
from benchmarks import speed as speed_mod
from benchmarks.nlu import MIN_CV_OUT_OF_SCOPE_RECALL, MIN_FAQ_THRESHOLD, recommended

TARGETS = {
    "intent_accuracy": 0.95,
    "faq_topic_accuracy": 0.95,  # issue 13: with the new topics
    "emergency_recall": 1.0,
    "out_of_scope_recall": 0.9,
}
PROVENANCE = """\
How the held-out file was made, and what it has seen:
- Its examples were written by writers who had not seen the training data; any example that
  also appears in the training data is removed (tests/test_content.py fails otherwise).
- The first FAQ part of it was later shown to the writer of the FAQ training examples, so it
  was moved into the training data and replaced by a fresh FAQ set from a new writer.
- One round of error analysis on it informed which kinds of training examples were added
  (appointment and second-opinion requests that name NET tests and drugs, other diseases as
  out-of-scope); the few example strings quoted while doing so were removed from it.
- Emergencies: misses on a second fresh emergency set (39 messages) led to more safety-net
  patterns by kind of emergency and 70 more emergency training examples; that set then went
  into the training data. A third fresh set (40) then missed three veiled suicide messages,
  which led to safety-net patterns for suicide warning signs (means at hand, farewells); it
  stays in this file. A fourth set (40, from another writer) was added unseen after that;
  its one miss led to a farewell pattern.
- The fifth set (45) was scored at first contact: 41 of 45 emergencies caught (0.91), and 6
  of 25 near misses ("this paperwork is killing me", an episode that is over) wrongly sent to
  911. Safety-net patterns by kind (method and plan, farewells, means at hand, figurative
  speech, episodes that are over) and new training examples in my own wording followed.
- The sixth set (50) was then scored at first contact: 47 of 50 emergencies caught (0.94), 7
  of 30 near misses wrongly flagged (grief, end-of-life planning, scan anxiety). Patterns for
  its kinds of misses followed. Sets five and six stay in this file, so the emergency recall
  below is no longer a first-contact number: the first-contact numbers above are the honest
  estimate for messages nobody has seen.
- After the model was retrained, the held-out errors again showed kinds to fix: two
  cancellations ("don't want to ... anymore") taken for emergencies, answered with ten new
  `stop` examples in my own wording, and one veiled farewell, answered with safety-net
  patterns for burden language and an announced decision.
- Then a new FAQ topic (`faq/outlook`, for "is she going to die?") was added and the model
  retrained; the one emergency it missed (a person shut away with the means at hand) led to
  a safety-net pattern for locking oneself away.
So the cross-validation numbers, taken on deliberately hard training examples, are the more
pessimistic view; the held-out numbers are the closer one to real visitors.

The stock `rasa init` configuration trains DIET with two transformer layers for 100 epochs
(about ten minutes per model here), so it is scored on the held-out file only, with the same
full model that the speed test runs."""

METRIC_NAMES = {
    "examples": "examples scored",
    "intent_accuracy": "intent accuracy",
    "faq_topic_accuracy": "FAQ topic accuracy",
    "emergency_recall": "emergency recall",
    "emergency_precision": "emergency precision",
    "out_of_scope_recall": "out_of_scope recall",
    "out_of_scope_precision": "out_of_scope precision",
}


def _fmt(value: Optional[float]) -> str:
    if value is None:
        return "n/a"
    return str(value) if isinstance(value, int) else f"{value:.3f}"


def _table(header: List[str], rows: List[List[str]]) -> List[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _accuracy(nlu: Dict, split: str, targets: bool) -> List[str]:
    names = [
        n for n in ("project", "rasa_init_default", "project_with_spacy") if split in nlu.get(n, {})
    ]
    rows = []
    for metric, label in METRIC_NAMES.items():
        target = TARGETS.get(metric)
        cells = [_fmt(nlu[n][split].get(metric)) for n in names]
        if targets:
            cells.append(f"≥ {target}" if target is not None else "")
        rows.append([label, *cells])
    return _table(["metric", *names, *(["target"] if targets else [])], rows)


def _speed(speed: Dict) -> List[str]:
    rows = []
    for name, r in speed.items():
        rows.append(
            [
                name,
                f"{r['sequential']['p50_ms']} / {r['sequential']['p95_ms']}",
                str(r["sequential"]["throughput_msg_s"]),
                f"{r['concurrent_20']['p50_ms']} / {r['concurrent_20']['p95_ms']}",
                str(r["concurrent_20"]["throughput_msg_s"]),
                str(r["rasa_peak_rss_mb"]),
                str(r["startup_s"]),
            ]
        )
    return _table(
        [
            "bot",
            "1 at a time p50/p95 ms",
            "msg/s",
            "20 concurrent p50/p95 ms",
            "msg/s",
            "Rasa peak RSS MB",
            "start-up s",
        ],
        rows,
    )


def _load(load: Dict) -> List[str]:
    if not load:
        return []
    deployments = load["deployments"]
    rows = []
    for name, r in deployments.items():
        for concurrency in load_mod.CONCURRENCY:
            c = r[f"concurrent_{concurrency}"]
            rows.append(
                [
                    name,
                    str(concurrency),
                    str(c["throughput_msg_s"]),
                    f"{c['p50_ms']} / {c['p95_ms']} / {c['p99_ms']}",
                    str(c["errors"]),
                ]
            )
        leads = r["leads"]
        rows[-1] += [
            f"{leads['submitted']} / {leads['stored']} / {leads['conversations_with_two']}",
            " + ".join(str(mb) for mb in r["rasa_peak_rss_mb"]),
        ]
        rows[-2] += ["", ""]
    memory, one, two = (deployments[n] for n in ("memory", "production_1", "production_2"))
    at20 = f"concurrent_{load_mod.CONCURRENCY[0]}"
    share = one[at20]["throughput_msg_s"] / memory[at20]["throughput_msg_s"]
    exact = all(
        r["leads"]["submitted"] == r["leads"]["stored"] == r["leads"]["distinct_references"]
        and r["leads"]["conversations_with_two"] == 0
        for r in deployments.values()
    )
    errors = sum(
        r[f"concurrent_{c}"]["errors"] for r in deployments.values() for c in load_mod.CONCURRENCY
    )
    return [
        "## Load on the production topology (website channel, PostgreSQL + Redis)",
        "",
        f"Run {load['date']} (`python -m benchmarks --only load`, benchmarks/load.py). Each "
        "conversation: a session token, "
        f"{load_mod.FAQ_PER_CONVERSATION} held-out questions, then the whole callback form "
        f"({len(load_mod.FORM)} messages) ending in a stored request; back-to-back, no think "
        "time, load generator on the same 2 cores. "
        + ", ".join(f"{load_mod.ROUNDS[c]} rounds at {c}" for c in load_mod.CONCURRENCY)
        + " concurrent conversations, the deployments taking turns. `memory`: the topology of "
        "`make run` (one process, in-memory conversations); `production_N`: N Rasa processes "
        "behind HAProxy, conversations in PostgreSQL behind each replica's cache, locks and "
        "flood counts in Redis; `stock_1`: the stock `rasa init` model with Rasa's own SQL "
        "tracker store on the same PostgreSQL and Redis. Leads: reference numbers given / "
        "leads stored / conversations with two.",
        "",
        *_table(
            [
                "deployment",
                "concurrent",
                "msg/s",
                "p50 / p95 / p99 ms",
                "errors",
                "leads given / stored / doubled",
                "Rasa peak RSS MB",
            ],
            rows,
        ),
        "",
        f"- One production process at {load_mod.CONCURRENCY[0]} concurrent: {share:.0%} of "
        f"the in-memory throughput (target ≥ 85%), p95 {one[at20]['p95_ms']} ms (target ≤ 500).",
        "- Two processes against one: "
        + ", ".join(
            f"{two[f'concurrent_{c}']['throughput_msg_s']} against "
            f"{one[f'concurrent_{c}']['throughput_msg_s']} msg/s at {c}"
            for c in load_mod.CONCURRENCY
        )
        + " (2 cores, shared with the load generator, PostgreSQL and Redis).",
        f"- Errors: {errors}"
        + "".join(
            f"; {name} at {c}: {kinds}"
            for name, r in deployments.items()
            for c in load_mod.CONCURRENCY
            if (kinds := r[f"concurrent_{c}"].get("error_kinds"))
        )
        + ". Every reference number given has exactly one stored lead: "
        + ("yes." if exact else "NO."),
        "",
    ]


def merge(previous: str, partial: str) -> str:
    """The last full report with a partial run's sections in place of the same ones (new
    sections at the end), for a partial run without the full run's raw numbers."""

    def sections(doc: str) -> Dict[str, str]:
        parts = re.split(r"(?m)^(?=## )", doc)
        return {part.splitlines()[0]: part for part in parts}

    old, new = sections(previous), sections(partial)
    head = next(iter(old))
    merged = {title: new.get(title, text) for title, text in old.items() if title != head}
    merged.update({t: text for t, text in new.items() if t not in old and t != next(iter(new))})
    body = "".join(text.rstrip("\n") + "\n\n" for text in merged.values())
    return (old[head] + body).rstrip("\n") + "\n"


def render(results: Dict) -> str:
    m = results["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`python -m benchmarks`; raw numbers in results/bench.json).",
        f"Last run {results['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GiB RAM, "
        f"{m['os']}, Python {m['python']}, Rasa {m['rasa']}. A partial run (`--only nlu`)",
        "updates its own sections and keeps the others from the last full run.",
        *(
            [
                "CPU speed check: a fixed 10-million-step Python loop took "
                f"{m['cpu_calibration_s']} s "
                "(this shared machine varies by up to 2x between days; compare runs with it).",
                "",
            ]
            if "cpu_calibration_s" in m
            else [""]
        ),
        "Scores are behavioural: a low-confidence message (`nlu_fallback`) or a FAQ pick below",
        "the FAQ confidence threshold counts as `out_of_scope`, because the visitor then gets",
        '"I can\'t answer that". `intent accuracy` compares base intents (`faq` for every topic).',
        "",
    ]
    nlu = results.get("nlu")
    if nlu and "project" in nlu:  # a speed-only run has scored the stock config alone
        first = nlu["project"]
        lines += [
            "## NLU accuracy",
            "",
            f"Held-out test file `tests/nlu/test_nlu_heldout.yml` ({first['heldout_examples']} "
            f"examples, never trained on; models trained on all {first['train_examples']} "
            "training examples):",
            "",
            *_accuracy(nlu, "heldout", targets=True),
            "",
            PROVENANCE,
            "",
        ]
        if "cross_validation" in first:
            best = recommended(first["threshold_sweep"])
            lines += [
                "5-fold stratified cross-validation on the training data:",
                "",
                *_accuracy(nlu, "cross_validation", targets=False),
                "",
                "Thresholds: "
                + "; ".join(
                    f"{n}: fallback {r['fallback_threshold']}, FAQ {r['faq_threshold']}"
                    for n, r in nlu.items()
                )
                + ".",
                "",
                "Threshold sweep for `project` on the cross-validation predictions. Thresholds",
                "are chosen here, never on the held-out file: the best intent accuracy among",
                f"settings with out_of_scope recall ≥ {MIN_CV_OUT_OF_SCOPE_RECALL} and the FAQ",
                f"gate on (FAQ threshold ≥ {MIN_FAQ_THRESHOLD}): "
                + (f"fallback {best['fallback']}, FAQ {best['faq_threshold']}" if best else "none")
                + ".",
                *(
                    [
                        f"config.yml does not follow this yet: it uses fallback "
                        f"{first['fallback_threshold']}, FAQ {first['faq_threshold']}."
                    ]
                    if best
                    and (best["fallback"], best["faq_threshold"])
                    != (first["fallback_threshold"], first["faq_threshold"])
                    else []
                ),
                "",
                *_table(
                    [
                        "fallback",
                        "FAQ",
                        "intent acc",
                        "FAQ topic acc",
                        "oos recall",
                        "oos precision",
                    ],
                    [
                        [
                            str(r["fallback"]),
                            str(r["faq_threshold"]),
                            _fmt(r["intent_accuracy"]),
                            _fmt(r["faq_topic_accuracy"]),
                            _fmt(r["out_of_scope_recall"]),
                            _fmt(r["out_of_scope_precision"]),
                        ]
                        for r in first["threshold_sweep"]
                    ],
                ),
                "",
            ]
        lines += ["Most frequent held-out errors of `project` (truth -> behaviour, count):", ""]
        lines += [f"- {error}: {count}" for error, count in first["heldout"]["top_errors"]]
        lines.append("")

    speed = results.get("speed")
    if speed:
        lines += [
            "## Speed and memory (REST channel, real Rasa + action server)",
            "",
            f"{speed_mod.SEQUENTIAL_CONVERSATIONS} conversations of "
            f"{speed_mod.MESSAGES_PER_CONVERSATION} messages one after another, one message at a",
            f"time; then {speed_mod.CONCURRENT_ROUNDS} rounds of "
            f"{speed_mod.CONCURRENT_CONVERSATIONS} new conversations of "
            f"{speed_mod.MESSAGES_PER_CONVERSATION} messages each at once,",
            "back-to-back with no think time. Messages are the held-out test texts. "
            "Load generator on the same",
            "machine. RSS is the peak of the Rasa server process tree during the load.",
            "",
            *_speed(speed),
            "",
        ]
        if "project" in speed and "rasa_init_default" in speed:
            ratio = (
                speed["project"]["concurrent_20"]["throughput_msg_s"]
                / speed["rasa_init_default"]["concurrent_20"]["throughput_msg_s"]
            )
            lines += [
                f"Throughput at 20 concurrent conversations: {ratio:.1f}× the default bot.",
                "",
            ]
    lines += _load(results.get("load") or {})
    lines += _conversations(results.get("conversations") or {})
    training = results.get("training")
    if training:
        lines += [
            "## Training time",
            "",
            f"- `make train` steps (content check, `rasa data validate`, `rasa train`): "
            f"{training['make_train_s']} s",
            "- default `rasa init` config on the same data: "
            f"{training['default_config_train_s']} s",
            "",
        ]
    return "\n".join(lines)


CONVERSATION_TARGETS = {
    "emergency_recall": "≥ 0.98",
    "self_harm_recall": "1.0",
    "false_takeover_rate": "≤ 0.05",
    "stored_exactly": "≥ 0.99",
}


CONVERSATION_PROVENANCE = """\
How the conversation sets were made, and what they have seen:
- Each set in tests/eval/ was written by writers who had never seen the training data (nor the
  other sets), and is never trained on (tests/test_content.py fails if any of it is): real
  emergencies and self-harm, near misses, names typed at the name question, follow-ups, and
  scripted callback conversations. Training examples that happen to equal a set's message
  (common phrasings) are taken out of training before the set is first scored.
- Set a was first scored with the first version of the redesign of issue 13, before any error
  analysis (`python -m benchmarks --only conversations`): emergencies taken over 0.918 (medical
  1.000, self-harm 0.800), near misses taken over 0.117, names read back exactly 0.918,
  follow-ups answered for the topic 0.800, callback conversations as expected 0.750. Its errors
  were then read and fixed by kind (a safety model of its own, names in other languages,
  corrections and questions at the read-back, ...): set a is no longer a first-contact measure.
- Set b was written after those fixes, unseen, and first scored at 602ced4: emergencies
  0.859 (medical 0.867, self-harm 0.850), near misses taken over 0.138, names 0.806,
  follow-ups 0.675, callback conversations 0.725. Its errors were then fixed by kind too
  (Spanish emergencies and self-harm, risks that are not happening now, names masked for the
  safety model, who a request is for): set b is no longer a first-contact measure either.
- Set c was written by four new writers after that, unseen, and scored once at 4f9e6a6:
  emergencies 0.963 (medical 1.000, self-harm 0.917), near misses taken over 0.190, names
  0.881, follow-ups 0.675, callback conversations 0.775. These are the honest estimate for
  messages nobody has seen. Its errors were then fixed by kind (risks asked about as a topic
  or lasting for months, titles before names, terse and Spanish requests and answers): the
  numbers below for set c are after learning from it.
- Set d was written by four new writers after that, unseen, and scored once at 176c436:
  emergencies 0.945 (medical 1.000, self-harm 0.880), near misses taken over 0.140, names
  0.978, follow-ups 0.562, callback conversations 0.800. Five of its nine form misses came
  from a wrong description of the flow given to its writer (the consent re-check); those
  scripts' last answers were corrected afterwards to mean what the writer intended (see the
  file's header). Its errors were then fixed by kind (an emergency in doubt read against the
  form's question, an unsure follow-up read against the last topic, Spanish self-harm and
  honorifics, method questions, conditions and reports that are not events): the numbers
  below for set d are after learning from it.
- Set e was written by four new writers after that, unseen (four follow-ups that equalled
  training examples were taken out), and scored once at 9f90b70: emergencies 0.973 (medical
  1.000, self-harm 0.940), near misses taken over 0.075, names 0.993, follow-ups 0.747,
  callback conversations 0.933. Its errors were then fixed by kind (urgency denied, Spanish
  past events and idioms, taking one's life and Spanish self-injury, a takeover in doubt read
  against the topic just answered, Spanish follow-ups and sites, the FAQ topic read by the
  intent classifier): the numbers below for set e are after learning from it.
- Set f was written by four new writers after that, unseen (six training examples that
  equalled its messages were taken out of training), and scored once at d952e36 (model and
  code of 13be5eb), before any learning: emergencies 0.973 (medical 0.967, self-harm 0.980),
  near misses taken over 0.070, names 0.998, follow-ups 0.667, callback conversations 0.911.
  Its errors were then fixed by kind (Spanish signs and vital signs written as numbers in the
  rule net, risk words that name a role or a plan, a message that is not an emergency answered
  as its next intent, site follow-ups that lean on the last answer, requests split between
  their kinds, an email inside words, second thoughts at the read-back, Spanish FAQ
  questions): the numbers below for set f are after learning from it.
- Set g was written by four new writers after that, unseen (four training examples that
  equalled its messages were taken out of training), and scored once at 7af9cca, in the full
  `make bench` run of 2026-12-01, before any learning: emergencies 0.947 (medical 1.000,
  self-harm 0.885), near misses taken over 0.111, names 0.974, follow-ups 0.753, callback
  conversations 0.733 (the stock config on the same set: 0.789, 0.053, 0.918, 0.160, 0.644).
  These are the honest estimate for messages nobody has seen; the targets (emergencies 0.98,
  self-harm 1.0, near misses 0.05) are not met at first contact. Its errors were then fixed by
  kind (self-harm done or planned in Spanish, "once" that starts a plan, symptoms denied,
  idioms, reactions that may come, times stored without "call me", requests told with their
  story, lead-ins in more scripts); on set g alone at 732146b (`--only conversations`):
  emergencies 1.000, self-harm 1.000, near misses taken over 0.087, names 0.991, follow-ups
  0.760, callback conversations 0.933. Set g is no longer a first-contact measure.
- Set h was written by four new writers after that, unseen (three training examples that
  equalled its messages were taken out of training), and scored once at f27d191, in the full
  `make bench` run of 2026-12-01 10:10 UTC, before any learning: emergencies 0.982 (medical
  1.000, self-harm 0.960), near misses taken over 0.165, names 0.960, follow-ups 0.720,
  callback conversations 0.911 (the stock config on the same set: 0.936, 0.120, 0.887, 0.167,
  0.844). The training data had just grown by examples from new writers (docs/content.md),
  which made both models lean further to emergencies on long symptom questions: the false
  takeover rate is worse than set g's and the target (0.05) is far off. Its errors were then
  fixed by kind (a plan "i'm at peace with what i'm about to do", dying of the disease
  "eventually", "i'm having surgery" as a plan, something read about, Spanish singular time
  spans, a name written in title case read by the rules alone); on set h alone afterwards
  (`--only conversations`): emergencies 0.991, self-harm 0.980, near misses taken over 0.155,
  names 0.962, follow-ups 0.720, callback conversations 0.911. Set h is no longer a
  first-contact measure.
- Set i was written by four new writers after that, unseen (six training examples that
  equalled its messages were taken out of training), and scored once at 60fc56c with
  `python -m benchmarks --only conversations` (the project model only; the stock config joins
  it in the next full run), before any learning: emergencies 0.973 (medical 0.967, self-harm
  0.980), near misses taken over 0.190, names 0.942, follow-ups 0.840, callback conversations
  0.978. Eight of its 26 name misses are a convention its writer differs on from the earlier
  writers (for "Katherine Nguyen, but I go by Kathy" it stores the nickname, they the full
  name; the assistant keeps the full name, which identifies the patient). Its errors were then
  fixed by kind (a sign read in its own sentence, a farewell that cancels care, end-of-life
  wishes, reassurance such as "feel totally fine", a yes said first at the diagnosis question,
  a follow-up second to a general question, names in quotes or with typographic apostrophes);
  on set i alone afterwards: emergencies 0.991, self-harm 1.000, near misses taken over 0.145,
  names 0.969, follow-ups 0.880, callback conversations 1.000. Set i is no longer a
  first-contact measure."""


def _conversations(results: Dict) -> List[str]:
    """Whole conversations over HTTP on the first-contact sets (bot/evaluation/conversations.py)."""
    if not results:
        return []
    lines = [
        "## Whole conversations (first-contact sets, tests/eval/)",
        "",
        CONVERSATION_PROVENANCE,
        "",
    ]
    rows = [
        ("safety", "emergency_recall", "emergencies taken over (911/988 at once)"),
        ("safety", "medical_recall", "medical emergencies taken over"),
        ("safety", "self_harm_recall", "self-harm taken over"),
        ("safety", "false_takeover_rate", "near misses taken over (false takeover)"),
        ("safety", "near_miss_safety_line_rate", "near misses answered with a safety line"),
        ("names", "stored_exactly", "names read back exactly as the name"),
        ("followups", "answered_for_the_topic", "follow-ups answered for the topic"),
        ("forms", "completed_as_expected", "scripted callback conversations as expected"),
    ]
    for name, bots in results.items():
        first = next(iter(bots.values()))
        sizes = (
            f"{first['safety']['medical']} medical and {first['safety']['self_harm']} "
            f"self-harm emergencies, {first['safety']['near_misses']} near misses, "
            f"{first['names']['names']} names, {first['followups']['followups']} "
            f"follow-ups, {first['forms']['conversations']} callback conversations"
        )
        lines += [
            f"Set {name}: {sizes}, played over the REST channel against the running bots.",
            "",
            *_table(
                ["metric", *bots, "target"],
                [
                    [
                        label,
                        *[_fmt(bots[b][part][key]) for b in bots],
                        CONVERSATION_TARGETS.get(key, ""),
                    ]
                    for part, key, label in rows
                ],
            ),
            "",
        ]
    return lines
