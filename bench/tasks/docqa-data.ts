// A generated document-QA corpus: one markdown report per (fictional) depot, each with filler prose and
// a few facts that exist nowhere else, and questions whose answer and citing file are known. Generated
// (seeded) rather than downloaded so the task runs offline and its gold answers are exact.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface DocQaQuestion {
  question: string;
  answer: string;
  /** The file that holds the answer. */
  file: string;
}

export interface DocQaCorpus {
  files: string[];
  questions: DocQaQuestion[];
}

const CITIES = [
  "Lisbon",
  "Porto",
  "Valencia",
  "Lyon",
  "Ghent",
  "Utrecht",
  "Bremen",
  "Graz",
  "Turin",
  "Krakow",
  "Brno",
  "Aarhus",
  "Tampere",
  "Bergen",
  "Cork",
  "Leeds",
  "Bilbao",
  "Nantes",
  "Basel",
  "Split",
  "Riga",
  "Tartu",
  "Kaunas",
  "Sibiu",
  "Varna",
  "Patras",
  "Malaga",
  "Genoa",
  "Dresden",
  "Linz",
];
const FILLER = [
  "Deliveries arrive on weekday mornings and are checked against the manifest before storage.",
  "The loading bays are cleaned every evening after the last shift ends.",
  "Staff rotate between receiving, picking and dispatch every quarter.",
  "Temperature logs are reviewed weekly by the shift supervisor.",
  "Forklift inspections follow the national safety schedule.",
  "Returned goods are kept in a separate area until they are inspected.",
  "The depot participates in the regional recycling programme for pallets and film.",
  "Visitors sign in at the front desk and wear a high-visibility vest on the floor.",
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Writes `count` depot reports into `dir` and returns the questions about them. */
export function generateDocQaCorpus(dir: string, count = 12, seed = 7): DocQaCorpus {
  mkdirSync(dir, { recursive: true });
  const rand = rng(seed);
  const files: string[] = [];
  const questions: DocQaQuestion[] = [];
  for (const city of CITIES.slice(0, count)) {
    const file = `${city.toLowerCase()}-depot.md`;
    const code = String(1000 + Math.floor(rand() * 9000));
    const bays = String(4 + Math.floor(rand() * 40));
    const year = String(1960 + Math.floor(rand() * 60));
    const filler = () => FILLER[Math.floor(rand() * FILLER.length)];
    const lines = [
      `# ${city} depot annual report`,
      "",
      "## Operations",
      ...Array.from({ length: 25 }, filler),
      `The number of loading bays at the ${city} depot is ${bays}.`,
      ...Array.from({ length: 25 }, filler),
      "## Security",
      ...Array.from({ length: 15 }, filler),
      `The access code of the ${city} depot is ${code}.`,
      ...Array.from({ length: 10 }, filler),
      "## History",
      `The opening year of the ${city} depot is ${year}.`,
      ...Array.from({ length: 10 }, filler),
    ];
    writeFileSync(join(dir, file), `${lines.join("\n")}\n`);
    files.push(file);
    questions.push(
      { question: `What is the access code of the ${city} depot? Cite the file.`, answer: code, file },
      {
        question: `What is the number of loading bays at the ${city} depot? Cite the file.`,
        answer: bays,
        file,
      },
      { question: `What is the opening year of the ${city} depot? Cite the file.`, answer: year, file },
    );
  }
  return { files, questions };
}
