/**
 * Language CI templates for the synthetic org generator: the workflows most repositories have and
 * that hold no docker build (node, python and go CI with matrices, CodeQL, lint, release, pages).
 */
import type { TemplateContext } from "./generate-org-workflows";

export const on = (tags = false) => `on:
  push:
    branches: [main]${tags ? "\n    tags: ['v*']" : ""}
  pull_request:
`;

export function nodeCi(c: TemplateContext): string {
  const versions = [["18", "20"], ["20", "22"], ["18", "20", "22"]][c.pick(3)];
  return `name: ci
${on()}
jobs:
  test:
    runs-on: \${{ matrix.os }}
    strategy:
      fail-fast: false
      matrix:
        os: [ubuntu-latest${c.pick(2) ? ", macos-latest" : ""}]
        node: [${versions.join(", ")}]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: \${{ matrix.node }}
          cache: npm
      - run: npm ci
      - run: npm test -- --coverage
      - uses: actions/upload-artifact@v4
        if: matrix.node == '${versions[versions.length - 1]}'
        with:
          name: coverage-\${{ matrix.os }}
          path: coverage/
`;
}

export const LINT = `name: lint
on: [pull_request]
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci
      - run: npm run lint
`;

export function release(c: TemplateContext): string {
  return `name: release
on:
  push:
    tags: ['v*']
permissions:
  contents: write
  id-token: write
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          registry-url: https://npm.pkg.github.com
      - run: npm ci && npm publish
        env:
          NODE_AUTH_TOKEN: \${{ secrets.GITHUB_TOKEN }}
          PACKAGE: '@${c.org}/${c.repo}'
`;
}

export function pythonCi(c: TemplateContext): string {
  return `name: tests
${on()}
env:
  PIP_DISABLE_PIP_VERSION_CHECK: "1"
jobs:
  pytest:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python-version: ["3.10", "3.11", "3.12"${c.pick(2) ? ', "3.13"' : ""}]
        include:
          - python-version: "3.12"
            coverage: true
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: \${{ matrix.python-version }}
          cache: pip
      - run: pip install -e '.[test]'
      - run: pytest -q \${{ matrix.coverage && '--cov' || '' }}
`;
}

export const CODEQL = `name: codeql
on:
  schedule:
    - cron: '27 3 * * 1'
jobs:
  analyze:
    runs-on: ubuntu-latest
    permissions:
      security-events: write
    strategy:
      matrix:
        language: [python, javascript]
    steps:
      - uses: actions/checkout@v4
      - uses: github/codeql-action/init@v3
        with:
          languages: \${{ matrix.language }}
      - uses: github/codeql-action/analyze@v3
`;

export const GO_CI = `name: go
on: [push, pull_request]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version-file: go.mod
      - run: go build ./...
      - run: go test -race ./...
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: golangci/golangci-lint-action@v6
`;

export const DOCS = `name: pages
on:
  push:
    branches: [main]
permissions:
  pages: write
  id-token: write
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install mkdocs-material && mkdocs build --strict
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site
      - uses: actions/deploy-pages@v4
`;
