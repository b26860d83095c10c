#!/usr/bin/env node
// The package's bin: the compiled CLI. `npm ci` builds dist/ through the `prepare` script.
import '../dist/cli/main.js';
