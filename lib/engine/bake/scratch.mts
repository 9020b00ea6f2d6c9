import { parse } from "@cdktf/hcl2json";
const t = `
variable "TAG" { default = "latest" }
variable "REG" {}
variable "N" { default = 3 }
group "default" { targets = ["app", "other"] }
target "app" {
  inherits = ["_common"]
  tags = ["ghcr.io/acme/app:\${TAG}", "x:\${lower(REG)}"]
  cache-to = [notequal("", REG) ? "type=registry,ref=\${REG}:cache" : ""]
  output = ["type=registry"]
  args = { A = "b" }
  matrix = { tgt = ["a","b"], item = [{ v = "x" }] }
  name = "app-\${tgt}"
  platforms = [ for p in ["a"] : p ]
}
target "app" { dockerfile = "x" }
`;
console.log(JSON.stringify(await parse("docker-bake.hcl", t), null, 1));
try { console.log(await parse("b.hcl", `target "x" {\n tags = [\n}`)); } catch (e) { console.log("ERR", String(e), JSON.stringify(e)); }
