import type { Metadata } from "next";
import { ScansPage } from "@/components/scans/scans-page";

export const metadata: Metadata = { title: "Scans" };

export default function Page() {
  return <ScansPage />;
}
