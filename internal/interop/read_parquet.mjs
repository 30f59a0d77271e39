// read_parquet.mjs — read dcsim's Parquet result files with readers that share no code with
// dcsim's Go writer (arrow-go's pqarrow), and print what they see as JSON on stdout.
//
//   node internal/interop/read_parquet.mjs DIR [TABLE ...]
//
// DIR holds NAME.parquet files (jobs, hosts, summary, services, links, storage, provisioning);
// without TABLE every NAME.parquet in DIR is read. Each file is read twice: with DuckDB
// (@duckdb/node-api, DuckDB's own C++ Parquet reader, no extension) and with nodejs-polars
// (pl.readParquet, the Rust polars engine). Exit status: 0 on success, 1 when a file cannot be
// read, 2 on bad usage. Set up once with `npm ci --prefix internal/interop`.
//
// Output (per reader, per table): rows, columns, dtypes, null_counts, first_row, sums (numeric
// and boolean columns; booleans count trues). DuckDB adds kv_metadata (the Parquet key/value
// metadata, as strings), created_by and row_groups. Integers beyond 2^53 (e.g. the uint64
// seed) are printed as strings, NaN and infinities as "NaN", "Infinity", "-Infinity".

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import pl from "nodejs-polars";
import { describeFrame, plain, plainObject, version } from "./common.mjs";
import { DuckDBInstance } from "@duckdb/node-api";


const ALL = ["jobs", "hosts", "summary", "services", "links", "storage", "provisioning"];

function usage(msg) {
  process.stderr.write(`read_parquet.mjs: ${msg}\nusage: node read_parquet.mjs DIR [${ALL.join("|")} ...]\n`);
  process.exit(2);
}



// SQL string literal.
const lit = (s) => `'${String(s).replaceAll("'", "''")}'`;
// SQL identifier.
const ident = (s) => `"${String(s).replaceAll('"', '""')}"`;

// DuckDB returns BLOBs (the key/value metadata) as objects holding bytes.
function text(v) {
  if (v == null) return null;
  if (typeof v === "string") return v;
  if (v.bytes instanceof Uint8Array) return new TextDecoder().decode(v.bytes);
  return String(v);
}

async function readDuckDB(conn, path) {
  const src = `read_parquet(${lit(path)})`;
  const rowsOf = async (sql) => (await conn.runAndReadAll(sql)).getRowObjects();
  const described = await rowsOf(`DESCRIBE SELECT * FROM ${src}`);
  const columns = described.map((r) => r.column_name);
  const dtypes = described.map((r) => String(r.column_type));
  const out = {
    rows: 0,
    columns,
    dtypes,
    null_counts: {},
    first_row: null,
    sums: {},
    kv_metadata: {},
    created_by: null,
    row_groups: 0,
  };
  // One aggregate query: count(*), then per column its null count and, for numbers and
  // booleans, its sum.
  const aggs = ["count(*) AS n"];
  columns.forEach((c, i) => {
    aggs.push(`count(*) - count(${ident(c)}) AS "nulls_${i}"`);
    const t = dtypes[i];
    if (t === "BOOLEAN") aggs.push(`sum(${ident(c)}::INTEGER) AS "sum_${i}"`);
    else if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE)$/.test(t)) {
      aggs.push(`sum(${ident(c)}) AS "sum_${i}"`);
    }
  });
  const [agg] = await rowsOf(`SELECT ${aggs.join(", ")} FROM ${src}`);
  out.rows = Number(agg.n);
  columns.forEach((c, i) => {
    out.null_counts[c] = Number(agg[`nulls_${i}`]);
    if (`sum_${i}` in agg) {
      // An all-null column sums to null in SQL; report 0 like the other readers.
      const s = agg[`sum_${i}`];
      out.sums[c] = s == null ? 0 : plain(typeof s === "object" ? Number(String(s)) : s);
    }
  });
  if (out.rows > 0) {
    out.first_row = plainObject((await rowsOf(`SELECT * FROM ${src} LIMIT 1`))[0]);
  }
  for (const r of await rowsOf(`SELECT key, value FROM parquet_kv_metadata(${lit(path)})`)) {
    out.kv_metadata[text(r.key)] = text(r.value);
  }
  const [fm] = await rowsOf(`SELECT created_by, num_row_groups FROM parquet_file_metadata(${lit(path)})`);
  out.created_by = fm.created_by;
  out.row_groups = Number(fm.num_row_groups);
  return out;
}

function readPolars(path) {
  return describeFrame(pl, pl.readParquet(readFileSync(path)));
}

const [dir, ...args] = process.argv.slice(2);
if (!dir) usage("missing DIR");
for (const t of args) if (!ALL.includes(t)) usage(`unknown table ${t}`);

const result = {
  dir,
  readers: { "@duckdb/node-api": version("@duckdb/node-api"), "nodejs-polars": version("nodejs-polars") },
  duckdb: {},
  polars: {},
};
try {
  const tables =
    args.length > 0
      ? args
      : readdirSync(dir)
          .filter((f) => f.endsWith(".parquet") && ALL.includes(f.slice(0, -".parquet".length)))
          .map((f) => f.slice(0, -".parquet".length))
          .sort();
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  const [v] = (await conn.runAndReadAll("SELECT version() AS v")).getRowObjects();
  result.readers.duckdb = v.v;
  for (const t of tables) {
    const path = join(dir, `${t}.parquet`);
    result.duckdb[t] = await readDuckDB(conn, path);
    result.polars[t] = readPolars(path);
  }
  conn.closeSync();
} catch (e) {
  process.stderr.write(`read_parquet.mjs: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
}
process.stdout.write(JSON.stringify(result, null, 1) + "\n");
