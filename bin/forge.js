#!/usr/bin/env node
// The built CLI lives in dist/ (made by `npm ci` through the prepare script).
import '../dist/bundle/forge.js';
