import type { Machine } from '../../report/machine.ts';

// The JSON a load run writes (`--json`). Times are milliseconds.

export const LOAD_REPORT_SCHEMA = 'zerochat/bench/load@1';

export interface LoadReport {
  schema: typeof LOAD_REPORT_SCHEMA;
  createdAt: string;
  node: string;
  machine: Machine;
  /** Seconds each scenario ran per round. */
  durationSeconds: number;
  /** Rounds; the scenarios take turns within each. */
  rounds: number;
  /** Completion tokens each streamed reply asks for. */
  replyTokens: number;
  scenarios: ScenarioReport[];
  /** Replies read as a client reads them: time to first token and stream rate, per subject. */
  replyStreams: ReplyStreamReport[];
}

/**
 * Replies read as a client reads them: Ollama alone (the reference), and the A/B of the
 * partial-content saves: the same chat bundle with them on and off.
 */
export interface ReplyStreamReport {
  name: string;
  kind: 'reference' | 'function';
  connections: number;
  /** Completion tokens each reply asks for. */
  tokens: number;
  /** Replies read, all rounds. */
  replies: number;
  /** Each the median over the rounds. */
  firstTokenMs: { p50: number; p90: number };
  /** Chat's p50 minus Ollama alone's: what chat adds to the time to first token (null for the reference). */
  firstTokenOverReferenceMs: number | null;
  tokensPerSecondPerReply: number;
  tokensPerSecond: number;
  /** The median reply's stream rate divided by that of the subject without the saves (null for the reference). */
  rateRatio: number | null;
  failures: number;
}

export interface ScenarioReport {
  /**
   * `read`: the authenticated read path; `stream`: a message and its streamed reply (the tiny
   * test model); `real-model`: the same with SmolLM2 135M, a real model's pace.
   */
  path: 'read' | 'stream' | 'real-model';
  name: string;
  /**
   * `floor`: the least the same work can cost; `stack`: the same on zerochat's HTTP stack (Hono
   * on @hono/node-server) and nothing of zerochat's; `reference`: the model server alone.
   */
  kind: 'floor' | 'stack' | 'function' | 'reference';
  request: string;
  connections: number;
  /** Answers counted over all rounds, correct or not. */
  requests: number;
  /** The median round's. */
  requestsPerSecond: number;
  requestsPerSecondByRound: number[];
  /** Each percentile the median over the rounds; max the highest. */
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Answers that were not 2xx, or whose body was not a correct answer (all rounds). */
  failures: number;
  /** Connection errors and timeouts. */
  errors: number;
  /**
   * The server process's CPU time (all its threads', from /proc) per answer, the median over
   * the rounds; null for Ollama, which is not one process the benchmark started. It counts
   * what the server did during the round, work an answer left for later (a search fold a
   * second after a reply) included.
   */
  cpuMsPerRequest: number | null;
  /**
   * The same for the other processes on the machine during the scenario's rounds: FerretDB,
   * Ollama (null for a MongoDB or an Ollama named in the environment, whose processes the
   * benchmark cannot read) and the benchmark's own process, the load generator. With the
   * server's, they show where the two cores went per answer.
   */
  databaseCpuMsPerRequest: number | null;
  modelCpuMsPerRequest: number | null;
  loadGeneratorCpuMsPerRequest: number;
  /**
   * Requests per second divided by those of the floor (or reference) of the same path: for a
   * function the one listed just before it, for a reference the path's first.
   */
  ratioToBaseline: number | null;
}
