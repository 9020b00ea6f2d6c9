import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ScanDetailView } from "@/components/scans/scan-detail";

type Props = { params: Promise<{ id: string }> };

function scanId(raw: string): number | null {
  return /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : null;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const id = scanId((await params).id);
  return { title: id === null ? "Scan" : `Scan #${id}` };
}

export default async function ScanPage({ params }: Props) {
  const id = scanId((await params).id);
  if (id === null) notFound();
  return <ScanDetailView id={id} />;
}
