#!/usr/bin/env node
// Writes the tiny test model: node ollama/bin/write-tiny-model.ts [path] (default: stdout).
import { writeFileSync } from 'node:fs';
import { tinyModelGguf } from '../src/tiny-model.ts';

const [path] = process.argv.slice(2);
const gguf = tinyModelGguf();
if (path) writeFileSync(path, gguf);
else process.stdout.write(gguf);
