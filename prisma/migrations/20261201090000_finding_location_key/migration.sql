-- AlterTable: findings stored before location keys keep NULL until the next scan re-keys them
ALTER TABLE "Finding" ADD COLUMN "locationKey" TEXT;
