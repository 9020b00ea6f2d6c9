import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PackageDetailView } from "@/components/packages/package-detail";
import { decodeParam } from "@/lib/http/params";

type Props = { params: Promise<{ name: string }>; searchParams: Promise<{ olderThan?: string; keepLast?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeParam((await params).name) ?? "Not found" };
}

export default async function PackagePage({ params, searchParams }: Props) {
  const name = decodeParam((await params).name);
  if (name === null) notFound();
  const { olderThan, keepLast } = await searchParams;
  return <PackageDetailView name={name} plan={{ olderThan, keepLast }} />;
}
