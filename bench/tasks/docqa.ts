// Document QA: ingest a generated corpus into a source, attach it to an agent with the file tools,
// ask each question, and score the answer (the gold value) and the citation (the gold file name).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Lmos } from "../../src/runtime/types.ts";
import { replyText, type ToolExchange, toolExchanges } from "./agent-traffic.ts";
import { generateDocQaCorpus } from "./docqa-data.ts";

export interface DocQaOptions {
  model: string;
  /** Number of documents (3 questions each). */
  documents?: number;
  /** Ask only the first N questions. */
  questions?: number;
  onResult?: (r: DocQaResult) => void;
}

export interface DocQaResult {
  question: string;
  answer: string;
  file: string;
  reply: string;
  correct: boolean;
  cited: boolean;
  /** File-tool calls (search_files, grep_files, open_file) with what came back. */
  fileCalls: ToolExchange[];
}

export interface DocQaReport {
  model: string;
  documents: number;
  results: DocQaResult[];
  accuracy: number;
  citationRate: number;
}

const FILE_TOOLS = ["search_files", "grep_files", "open_file", "close_file"];
const SYSTEM_HINT =
  "You answer questions about the documents in your attached folder. Use search_files (or grep_files and " +
  "open_file) to find the answer, then reply with the answer and the file name you found it in.";

/** Runs the document-QA task and reports answer accuracy and citation rate. */
export async function runDocQa(lmos: Lmos, options: DocQaOptions): Promise<DocQaReport> {
  const dir = mkdtempSync(join(tmpdir(), "lmos-docqa-"));
  try {
    const corpus = generateDocQaCorpus(dir, options.documents ?? 12);
    const source = await lmos.sources.create({ name: `docqa-${Date.now().toString(36)}`, embedding: null });
    const report = await lmos.sources.ingest(source.id, [dir]);
    if (report.failed > 0) throw new Error(`ingest failed: ${report.files.find((f) => f.error)?.error}`);
    const results: DocQaResult[] = [];
    for (const q of corpus.questions.slice(0, options.questions ?? corpus.questions.length)) {
      const agent = await lmos.agents.create({
        name: `docqa-${results.length}-${Date.now().toString(36)}`,
        model: options.model,
        embedding: null,
        memoryBlocks: [
          { label: "persona", value: SYSTEM_HINT },
          { label: "human", value: "The user asks questions about company documents." },
        ],
        tools: FILE_TOOLS,
      });
      await lmos.sources.attach(source.id, agent.id);
      const run = await agent.send(q.question, { maxSteps: 8 });
      const reply = replyText(run.messages);
      const result: DocQaResult = {
        ...q,
        reply,
        correct: new RegExp(`\\b${q.answer}\\b`).test(reply),
        cited: reply.includes(q.file),
        fileCalls: toolExchanges(run.messages).filter((c) => FILE_TOOLS.includes(c.name)),
      };
      results.push(result);
      options.onResult?.(result);
      await lmos.agents.delete(agent.id);
    }
    await lmos.sources.delete(source.id);
    const n = results.length || 1;
    return {
      model: options.model,
      documents: corpus.files.length,
      results,
      accuracy: results.filter((r) => r.correct).length / n,
      citationRate: results.filter((r) => r.cited).length / n,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
