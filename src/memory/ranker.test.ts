// The ranker's pieces on small made-up conversations through the real SQLite store: stop words, stemming,
// time words and named dates, speakers, neighbouring turns, feedback, and fusion with a vector ranking.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentRecord, messageRecord } from "../context/records.testkit.ts";
import { newId, openSqliteStore } from "../store/index.ts";
import type { PassageRecord, Store } from "../store/types.ts";
import { messageCorpus, passageCorpus, passageSpeaker } from "./corpora.ts";
import { rankItems } from "./ranker.ts";
import { spokenText } from "./recall.ts";
import { queryTerms, stemKey } from "./terms.ts";
import { asksForTime, namedTimeSpans, statesTime } from "./time-words.ts";

let store: Store;
beforeAll(async () => {
  store = await openSqliteStore(":memory:");
});
afterAll(() => store.close());

const FILLER = [
  "What a day it has been, honestly.",
  "I think so too, it was a good one.",
  "Did you see what they did with the old square?",
  "That is what I was going to say as well.",
  "Let us talk about it some other time.",
];

/** A new agent whose archival memory holds these turns, a minute apart from `start`, in order. */
async function archive(
  texts: string[],
  start = "2024-03-10T12:00:00.000Z",
): Promise<{ agentId: string; ids: string[] }> {
  const agent = agentRecord({ id: newId("agent") });
  await store.createAgent(agent, [], []);
  const ps: PassageRecord[] = texts.map((text, i) => ({
    id: newId("passage"),
    agentId: agent.id,
    sourceId: null,
    fileId: null,
    text,
    tags: [],
    metadata: {},
    embeddingModel: null,
    createdAt: new Date(Date.parse(start) + i * 60_000).toISOString(),
  }));
  await store.insertPassages(ps.map((passage) => ({ passage })));
  return { agentId: agent.id, ids: ps.map((p) => p.id) };
}

async function rank(agentId: string, query: string): Promise<string[]> {
  return (await rankItems(passageCorpus(store, { agentId }, query), query)).map((r) => r.id);
}

describe("query words", () => {
  it("drops stop words and clitics, keeps content words (or every word when all are stop words)", () => {
    expect(queryTerms("What did Caroline's sister do with the boat?")).toEqual([
      "caroline",
      "sister",
      "boat",
    ]);
    expect(queryTerms("who are you")).toEqual(["who", "are", "you"]);
    expect(queryTerms("?!")).toEqual([]);
    expect(stemKey("hiking")).toBe(stemKey("hikes"));
    expect(stemKey("parties")).toBe(stemKey("party"));
    expect(stemKey("boat")).not.toBe(stemKey("boot"));
  });

  it("finds a turn by its content words when every other turn is full of the question's stop words", async () => {
    const { agentId, ids } = await archive([
      ...FILLER,
      ...FILLER,
      "We finally sold the sailing boat.",
      ...FILLER,
    ]);
    expect((await rank(agentId, "What did they do with the boat?"))[0]).toBe(ids[10]);
  });

  it("matches inflections through the store's stemmer", async () => {
    const { agentId, ids } = await archive([...FILLER, "She hikes up the ridge every Sunday.", ...FILLER]);
    expect((await rank(agentId, "Where does she go hiking?"))[0]).toBe(ids[5]);
  });
});

describe("time words", () => {
  it("tells questions that ask when, texts that say when, and date spans a query names", () => {
    expect(asksForTime("When did Ada move to Lisbon?")).toBe(true);
    expect(asksForTime("What year did they marry?")).toBe(true);
    expect(asksForTime("Where did Ada move?")).toBe(false);
    expect(statesTime("We moved there last May.")).toBe(true);
    expect(statesTime("I went two weeks ago")).toBe(true);
    expect(statesTime("It was 2019, I think")).toBe(true);
    expect(statesTime("You may like it.")).toBe(false);
    const ref = new Date("2024-03-10T12:00:00Z");
    expect(namedTimeSpans("what happened last year?", ref)).toEqual([
      { start: Date.UTC(2023, 0, 1), end: Date.UTC(2024, 0, 1) - 1 },
    ]);
    expect(namedTimeSpans("what did we do in May 2022", ref)).toEqual([
      { start: Date.UTC(2022, 4, 1), end: Date.UTC(2022, 5, 1) - 1 },
    ]);
    expect(namedTimeSpans("yesterday's plan", ref)).toEqual([
      { start: Date.UTC(2024, 2, 9), end: Date.UTC(2024, 2, 10) - 1 },
    ]);
    expect(namedTimeSpans("where is the cat", ref)).toEqual([]);
  });

  it("ranks the turn that says when above a stronger match when the question asks when", async () => {
    const { agentId, ids } = await archive([
      "Lisbon, Lisbon, what a city Lisbon is.",
      ...FILLER,
      "We were in Lisbon yesterday with the kids.",
    ]);
    expect((await rank(agentId, "Tell me about Lisbon"))[0]).toBe(ids[0]);
    expect((await rank(agentId, "When were they in Lisbon?"))[0]).toBe(ids[6]);
  });

  it("favours what was written within a date span the query names, relative to the memory's dates", async () => {
    const agent = agentRecord({ id: newId("agent") });
    await store.createAgent(agent, [], []);
    const dated = (text: string, createdAt: string): PassageRecord => ({
      id: newId("passage"),
      agentId: agent.id,
      sourceId: null,
      fileId: null,
      text,
      tags: [],
      metadata: {},
      embeddingModel: null,
      createdAt,
    });
    const old = dated("The garden party was fun.", "2022-06-01T10:00:00.000Z");
    const recent = dated("The garden party was fun.", "2023-07-01T10:00:00.000Z");
    const newest = dated("Nothing much today.", "2023-12-01T10:00:00.000Z");
    await store.insertPassages([old, recent, newest].map((passage) => ({ passage })));
    expect((await rank(agent.id, "the garden party last year"))[0]).toBe(old.id);
    expect((await rank(agent.id, "the garden party in July"))[0]).toBe(recent.id);
  });
});

describe("speakers and neighbours", () => {
  it("favours turns of the speaker a question names (a message's name, a transcript's 'Name:')", async () => {
    expect(passageSpeaker("Ada Lovelace: the engine works")).toBe("Ada Lovelace");
    expect(passageSpeaker("note: buy milk")).toBeNull();
    const agent = agentRecord({ id: newId("agent") });
    await store.createAgent(agent, [], []);
    const ben = messageRecord("user", "I planted tomatoes in the garden.", {
      agentId: agent.id,
      name: "Ben",
    });
    const ada = messageRecord("user", "I planted tomatoes in the garden.", {
      agentId: agent.id,
      name: "Ada",
    });
    await store.commitMessages(agent.id, [ada, ben], {});
    for (const [who, id] of [
      ["Ben", ben.id],
      ["Ada", ada.id],
    ]) {
      const query = `What did ${who} plant in the garden?`;
      const corpus = messageCorpus(store, agent.id, { query, roles: ["user", "assistant"] }, spokenText);
      expect((await rankItems(corpus, query))[0].id).toBe(id);
    }
  });

  it("brings in the turns right before and after a strong hit, not turns far from it", async () => {
    const { agentId, ids } = await archive([
      ...FILLER,
      "Ben: Guess where we are moving next month!",
      "Porto. The flat has a view of the river.",
      ...FILLER,
    ]);
    const found = await rank(agentId, "Where is Ben moving?");
    expect(found[0]).toBe(ids[5]);
    expect(found.slice(0, 3)).toContain(ids[6]); // the answer shares no word with the question
    expect(found).not.toContain(ids[0]);
    expect(found).not.toContain(ids[11]);
    const alone = await rankItems(
      passageCorpus(store, { agentId }, "Where is Ben moving?"),
      "Where is Ben moving?",
      {
        neighbourHits: 0,
      },
    );
    expect(alone.map((r) => r.id)).toEqual([ids[5]]);
  });

  it("searches once more with the words the best hits share (pseudo-relevance feedback)", async () => {
    const { agentId, ids } = await archive([
      "My cat Turing knocked the vase over.",
      "Turing the cat sleeps on the heater all day.",
      ...FILLER,
      "Turing chewed the charger cable again.",
      ...FILLER,
    ]);
    const query = "What did the cat do?";
    const plain = { feedbackDocs: 0, neighbourHits: 0 };
    expect(
      (await rankItems(passageCorpus(store, { agentId }, query), query, plain)).map((r) => r.id),
    ).not.toContain(ids[7]);
    // "turing", shared by both cat turns, finds the turn that never says "cat".
    const found = (
      await rankItems(passageCorpus(store, { agentId }, query), query, { neighbourHits: 0 })
    ).map((r) => r.id);
    expect(found.slice(0, 2).sort()).toEqual([ids[0], ids[1]].sort());
    expect(found[2]).toBe(ids[7]);
  });
});

describe("fusion", () => {
  it("fuses the vector ranking in by reciprocal rank: what both find first leads, vector-only hits join", async () => {
    const { agentId, ids } = await archive(["red apples", "green apples", "a ripe fruit", ...FILLER]);
    const lexicalOnly = passageCorpus(store, { agentId }, "apples");
    const corpus = {
      ...lexicalOnly,
      vector: async () => [
        { id: ids[1], score: 0.9 },
        { id: ids[2], score: 0.8 },
      ],
    };
    const lexical = { neighbourHits: 0 };
    const fused = (await rankItems(corpus, "apples", lexical)).map((r) => r.id);
    expect(fused[0]).toBe(ids[1]);
    expect(fused).toContain(ids[2]);
    expect((await rankItems(lexicalOnly, "apples", lexical)).map((r) => r.id)).not.toContain(ids[2]);
  });
});
