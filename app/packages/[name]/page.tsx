import type { Metadata } from "next";
import { PackageDetailView } from "@/components/packages/package-detail";

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).name) };
}

export default async function PackagePage({ params }: Props) {
  return <PackageDetailView name={decodeURIComponent((await params).name)} />;
}
