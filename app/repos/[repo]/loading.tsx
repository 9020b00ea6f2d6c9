import { BlockSkeleton } from "@/components/page-skeleton";

export default function Loading() {
  return <BlockSkeleton label="Loading the repository" blocks={3} height="h-80" />;
}
