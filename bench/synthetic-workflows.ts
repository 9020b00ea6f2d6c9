import type { InputFile } from "../lib/engine/types";

/**
 * Deterministic synthetic workflows shaped like real Docker pipelines: build-push-action with
 * registry caches, matrices, env refs, metadata-action and buildx in run steps.
 */
export function syntheticWorkflows(count: number): InputFile[] {
  const files: InputFile[] = [];
  for (let i = 0; i < count; i++) {
    const app = `svc${i}`;
    const collide = i % 10 === 0;
    files.push({
      path: `.github/workflows/build-${i}.yml`,
      text: `name: build ${app}
on:
  push:
    branches: [main]
  workflow_dispatch:
    inputs:
      channel:
        default: test
env:
  REGISTRY: ghcr.io
  IMAGE: ghcr.io/acme/${app}
jobs:
  build:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        variant: [slim, full]
        arch: [amd64, arm64]
        exclude:
          - variant: full
            arch: arm64
    steps:
      - uses: actions/checkout@v4
      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: \${{ env.IMAGE }}
          tags: |
            type=raw,value=\${{ matrix.variant }}
            type=sha
      - uses: docker/setup-buildx-action@v3
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: \${{ steps.meta.outputs.tags }}
          cache-from: type=registry,ref=\${{ env.IMAGE }}:\${{ matrix.variant }}-cache
          cache-to: type=registry,ref=\${{ env.IMAGE }}:\${{ matrix.variant }}${collide ? "" : "-cache"},mode=max
  cli:
    runs-on: ubuntu-latest
    steps:
      - run: |
          docker buildx build \\
            --tag \${{ env.IMAGE }}-cli:\${{ inputs.channel }} \\
            --cache-to type=gha,scope=cli-${i} \\
            --push .
  smoke:
    needs: build
    runs-on: ubuntu-latest
    container: ghcr.io/acme/${app}:slim
    steps:
      - run: docker run --rm ghcr.io/acme/${app}:slim --version
`,
    });
  }
  return files;
}
