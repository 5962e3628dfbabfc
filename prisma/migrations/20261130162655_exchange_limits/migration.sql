-- CreateTable
CREATE TABLE "xc_rejection_counts" (
    "owner_company_id" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "refusal_code" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "xc_rejection_counts_pkey" PRIMARY KEY ("owner_company_id","window_start","refusal_code")
);

-- CreateTable
CREATE TABLE "xc_rate_counters" (
    "key" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "xc_rate_counters_pkey" PRIMARY KEY ("key","window_start")
);

-- CreateIndex
CREATE INDEX "xc_rejection_counts_window_start_idx" ON "xc_rejection_counts"("window_start");

-- CreateIndex
CREATE INDEX "xc_rate_counters_window_start_idx" ON "xc_rate_counters"("window_start");

