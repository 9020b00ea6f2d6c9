import { chromium } from "@playwright/test";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu"] });
const p = await b.newPage({ viewport: { width: 1440, height: 900 } });
p.on("console", m => console.log(m.type(), m.text().slice(0,300)));
await p.goto(process.argv[2], { waitUntil: "networkidle" });
await p.waitForTimeout(1500);
console.log(await p.evaluate(() => document.querySelector("figure")?.outerHTML.slice(0, 1500)));
await b.close();
