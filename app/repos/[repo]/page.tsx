import type { Metadata } from "next";
import { RepoDetailView } from "@/components/repo/repo-detail";

type Props = { params: Promise<{ repo: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).repo) };
}

export default async function RepoPage({ params }: Props) {
  return <RepoDetailView name={decodeURIComponent((await params).repo)} />;
}
