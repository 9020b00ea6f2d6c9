import { BlockSkeleton } from "@/components/page-skeleton";

export default function Loading() {
  return <BlockSkeleton label="Loading scan history" blocks={2} height="h-72" />;
}
