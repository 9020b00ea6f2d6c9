import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RepoDetailView } from "@/components/repo/repo-detail";
import { decodeParam } from "@/lib/http/params";

type Props = { params: Promise<{ repo: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeParam((await params).repo) ?? "Not found" };
}

export default async function RepoPage({ params }: Props) {
  const name = decodeParam((await params).repo);
  if (name === null) notFound();
  return <RepoDetailView name={name} />;
}
