import { BlockSkeleton } from "@/components/page-skeleton";

export default function Loading() {
  return <BlockSkeleton label="Loading packages" blocks={1} height="h-96" />;
}
