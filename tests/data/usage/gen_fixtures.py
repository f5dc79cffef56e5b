#!/usr/bin/env python3
"""Writes the generated FOCUS exports of tests/data/usage/ (run it from that directory).

Each file is small and GPU-heavy, in one cloud's dialect as its exports really look, with
values chosen so that the GPU-hours per model and hour can be worked out by hand (see
tests/test_usage.c for the expected figures and how they follow from these rows).
"""
import csv

F10 = ["BilledCost", "BillingAccountId", "BillingCurrency", "BillingPeriodEnd",
       "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription",
       "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart", "CommitmentDiscountCategory",
       "CommitmentDiscountId", "CommitmentDiscountName", "CommitmentDiscountStatus",
       "CommitmentDiscountType", "ConsumedQuantity", "ConsumedUnit", "ContractedCost",
       "EffectiveCost", "ListCost", "PricingCategory", "PricingQuantity", "PricingUnit",
       "ProviderName", "PublisherName", "RegionId", "ResourceId", "ServiceName", "SkuId",
       "SkuPriceId", "SubAccountId"]


def write(name, cols, rows):
    with open(name, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([r.get(c, "") for c in cols])


def aws10():
    cols = F10 + ["x_Operation", "x_ServiceCode", "x_UsageType"]
    base = dict(BillingAccountId="123456789012", BillingCurrency="USD",
                BillingPeriodStart="2026-11-01T00:00:00Z", BillingPeriodEnd="2026-12-01T00:00:00Z",
                ChargeFrequency="Usage-Based", ProviderName="AWS", PublisherName="AWS",
                RegionId="us-east-1", ServiceName="Amazon Elastic Compute Cloud",
                x_ServiceCode="AmazonEC2", x_Operation="RunInstances")
    ri = "arn:aws:ec2:us-east-1:123456789012:reserved-instances/ri-0a1b2c"

    def row(h, **kw):
        r = dict(base)
        r.update(ChargePeriodStart="2026-11-01T%02d:00:00Z" % h,
                 ChargePeriodEnd="2026-11-01T%02d:00:00Z" % (h + 1), ChargeCategory="Usage",
                 ConsumedUnit="Hours", PricingUnit="Hours", PricingCategory="Standard")
        r.update(kw)
        return r
    rows = [
        # 1 p4d (8 x A100-40GB) for hour 0: 8 GPUs
        row(0, SkuId="8QZMKVPWQY9Z4", x_UsageType="USE1-BoxUsage:p4d.24xlarge",
            ConsumedQuantity="1", PricingQuantity="1", EffectiveCost="32.7726",
            ChargeDescription="$32.7726 per On Demand Linux p4d.24xlarge Instance Hour"),
        # 2 p4d for hour 1: 16 GPUs
        row(1, SkuId="8QZMKVPWQY9Z4", x_UsageType="USE1-BoxUsage:p4d.24xlarge",
            ConsumedQuantity="2", PricingQuantity="2", EffectiveCost="65.5452"),
        # spot g5.xlarge (1 x A10G), half an hour in hour 0: 0.5
        row(0, SkuId="G5SPOT", x_UsageType="USE1-SpotUsage:g5.xlarge", PricingCategory="Dynamic",
            ConsumedQuantity="0.5", PricingQuantity="0.5", EffectiveCost="0.2"),
        # a quarter hour in hour 1, without the region prefix: 0.25
        row(1, SkuId="G5OD", x_UsageType="BoxUsage:g5.xlarge", ConsumedQuantity="0.25",
            PricingQuantity="0.25", EffectiveCost="0.25"),
        # the RI's fee (HeavyUsage) is not capacity running
        row(2, SkuId="RIFEE", x_UsageType="USE1-HeavyUsage:p4d.24xlarge", ConsumedQuantity="1",
            CommitmentDiscountId=ri, CommitmentDiscountType="Reserved Instance",
            CommitmentDiscountCategory="Usage", CommitmentDiscountName="p4d 1yr No Upfront",
            PricingCategory="Committed", EffectiveCost="0", ChargeFrequency="Recurring"),
        # RI-covered p4d in hour 2: 8 GPUs, effective 20/h
        row(2, SkuId="8QZMKVPWQY9Z4", x_UsageType="USE1-BoxUsage:p4d.24xlarge",
            ConsumedQuantity="1", PricingQuantity="1", PricingCategory="Committed",
            CommitmentDiscountId=ri, CommitmentDiscountStatus="Used",
            CommitmentDiscountType="Reserved Instance", CommitmentDiscountCategory="Usage",
            CommitmentDiscountName="p4d 1yr No Upfront", EffectiveCost="20"),
        # the RI unused in hour 3: no ConsumedQuantity (FOCUS says null), PricingQuantity 1
        row(3, SkuId="8QZMKVPWQY9Z4", x_UsageType="USE1-BoxUsage:p4d.24xlarge",
            PricingQuantity="1", PricingCategory="Committed", CommitmentDiscountId=ri,
            CommitmentDiscountStatus="Unused", CommitmentDiscountType="Reserved Instance",
            CommitmentDiscountCategory="Usage", CommitmentDiscountName="p4d 1yr No Upfront",
            EffectiveCost="20"),
        # a credit, a tax, the RI purchase and a refund carry quantities: none counts
        row(1, ChargeCategory="Credit", SkuId="8QZMKVPWQY9Z4",
            x_UsageType="USE1-BoxUsage:p4d.24xlarge", ConsumedQuantity="5", EffectiveCost="-50"),
        row(1, ChargeCategory="Tax", SkuId="TAX", ConsumedQuantity="1", EffectiveCost="3"),
        row(0, ChargeCategory="Purchase", SkuId="RIBUY", CommitmentDiscountId=ri,
            x_UsageType="USE1-HeavyUsage:p4d.24xlarge", ConsumedQuantity="8760",
            EffectiveCost="0", ChargeFrequency="One-Time"),
        row(1, ChargeClass="Correction", SkuId="8QZMKVPWQY9Z4",
            x_UsageType="USE1-BoxUsage:p4d.24xlarge", ConsumedQuantity="3", EffectiveCost="-98"),
        # not GPUs: a volume and a CPU instance
        row(0, SkuId="EBS", x_UsageType="USE1-EBS:VolumeUsage.gp3", ConsumedQuantity="100",
            ConsumedUnit="GB-Mo"),
        row(0, SkuId="C5", x_UsageType="USE1-BoxUsage:c5.xlarge", ConsumedQuantity="1"),
        # a GPU family no table knows: listed by SkuId
        row(0, SkuId="P9UNKNOWNSKU", x_UsageType="USE1-BoxUsage:p9.48xlarge", ConsumedQuantity="1"),
        # malformed: a quantity that is not a number, a period that is not a time
        row(0, SkuId="G5OD", x_UsageType="BoxUsage:g5.xlarge", ConsumedQuantity="one"),
        row(0, SkuId="G5OD", x_UsageType="BoxUsage:g5.xlarge", ConsumedQuantity="1",
            ChargePeriodStart="yesterday"),
    ]
    write("aws_focus10.csv", cols, rows)


def aws12():
    cols = F10 + ["CapacityReservationId", "CapacityReservationStatus", "CommitmentDiscountQuantity",
                  "CommitmentDiscountUnit", "ServiceSubcategory", "SkuMeter", "SkuPriceDetails"]
    sp = "arn:aws:savingsplans::123456789012:savingsplan/sp-9f8e7d"
    base = dict(BillingAccountId="123456789012", BillingCurrency="USD", ProviderName="AWS",
                PublisherName="AWS", RegionId="us-east-1", ServiceName="Amazon Elastic Compute Cloud",
                ServiceSubcategory="Virtual Machines", ChargeFrequency="Usage-Based")

    def row(h, **kw):
        r = dict(base)
        r.update(ChargePeriodStart="2026-11-01T%02d:00:00Z" % h,
                 ChargePeriodEnd="2026-11-01T%02d:00:00Z" % (h + 1), ChargeCategory="Usage",
                 ConsumedUnit="Hours", PricingUnit="Hours", PricingCategory="Standard")
        r.update(kw)
        return r
    rows = [
        # the type from the charge description: 8 x A100-40GB in hour 0
        row(0, SkuId="8QZMKVPWQY9Z4", ConsumedQuantity="1", PricingQuantity="1",
            ChargeDescription="$32.7726 per On Demand Linux p4d.24xlarge Instance Hour",
            SkuMeter="Compute", EffectiveCost="32.7726"),
        # the type from SkuPriceDetails only: 1 x A10G in hour 0
        row(0, SkuId="G5SPOT", ConsumedQuantity="1", PricingQuantity="1", PricingCategory="Dynamic",
            ChargeDescription="Linux/UNIX (Amazon VPC), spot", SkuMeter="Compute",
            SkuPriceDetails='{"InstanceType": "g5.xlarge", "OperatingSystem": "Linux"}',
            EffectiveCost="0.4"),
        # a savings plan covers the p4d in hour 1: 8 GPUs, 15/h
        row(1, SkuId="8QZMKVPWQY9Z4", ConsumedQuantity="1", PricingQuantity="1",
            ChargeDescription="$32.7726 per On Demand Linux p4d.24xlarge Instance Hour",
            PricingCategory="Committed", CommitmentDiscountId=sp, CommitmentDiscountStatus="Used",
            CommitmentDiscountType="Savings Plan", CommitmentDiscountCategory="Spend",
            CommitmentDiscountName="Compute Savings Plan 3yr", CommitmentDiscountQuantity="15",
            CommitmentDiscountUnit="USD", EffectiveCost="15"),
        row(1, ChargeCategory="Tax", SkuId="TAX", ConsumedQuantity="1", EffectiveCost="2",
            ChargeDescription="Tax for p4d.24xlarge Instance Hour"),
    ]
    write("aws_focus12.csv", cols, rows)


def azure():
    cols = F10 + ["x_SkuDetails", "x_SkuMeterCategory", "x_SkuTerm", "x_PricingUnitDescription"]
    res = "/providers/Microsoft.Capacity/reservationOrders/ro-7/reservations/r-1"
    base = dict(BillingAccountId="8611537", BillingCurrency="USD", ProviderName="Microsoft",
                PublisherName="Microsoft", RegionId="eastus", ServiceName="Virtual Machines",
                x_SkuMeterCategory="Virtual Machines", ChargeFrequency="Usage-Based",
                PricingUnit="100 Hours", x_PricingUnitDescription="100 Hours")

    def day(d, size, **kw):
        r = dict(base)
        r.update(ChargePeriodStart="2026-11-%02dT00:00:00.0000000Z" % d,
                 ChargePeriodEnd="2026-11-%02dT00:00:00.0000000Z" % (d + 1),
                 ChargeCategory="Usage", ConsumedUnit="Hours", PricingCategory="Standard",
                 x_SkuDetails='{"ServiceType":"%s","VCPUs":24,"UsageType":"ComputeHR",'
                              '"ImageType":"Canonical"}' % size)
        r.update(kw)
        return r
    rows = [
        # 48 hours of an NC24ads A100 v4 (1 x A100-80GB) in a day: 2 GPUs every hour
        day(1, "Standard_NC24ads_A100_v4", SkuId="DZH318Z0BQ4L", ConsumedQuantity="48",
            PricingQuantity="0.48", EffectiveCost="176.4"),
        # 12 hours of an ND96asr v4 (8 x A100-40GB): 96 GPU-hours, 4 GPUs every hour
        day(1, "Standard_ND96asr_v4", SkuId="DZH318Z0BPVW", ConsumedQuantity="12",
            PricingQuantity="0.12", EffectiveCost="327.7"),
        # day 2: 24 reserved hours of the NC24ads (1 GPU every hour), effective 2.5/h
        day(2, "Standard_NC24ads_A100_v4", SkuId="DZH318Z0BQ4L", ConsumedQuantity="24",
            PricingQuantity="0.24", PricingCategory="Committed", CommitmentDiscountId=res,
            CommitmentDiscountStatus="Used", CommitmentDiscountType="Reservation",
            CommitmentDiscountCategory="Usage", CommitmentDiscountName="nc-a100-reservation",
            x_SkuTerm="12", EffectiveCost="60"),
        # an NV36ads A10 v5 (1 x A10) only the built-in table knows: 10 GPU-hours on day 2
        day(2, "Standard_NV36ads_A10_v5", SkuId="AZNV36ADS", ConsumedQuantity="10",
            PricingQuantity="0.1", EffectiveCost="32"),
        # a CPU VM and a GPU VM no table knows
        day(1, "Standard_D4s_v3", SkuId="DZH318Z0BQ1X", ConsumedQuantity="24",
            PricingQuantity="0.24", EffectiveCost="4.6"),
        day(2, "Standard_ND1024zz_B900_v9", SkuId="AZND1024ZZ", ConsumedQuantity="7",
            PricingQuantity="0.07", EffectiveCost="700"),
        # malformed SKU details
        day(2, "x", SkuId="DZH318Z0BQ4L", ConsumedQuantity="5", PricingQuantity="0.05",
            x_SkuDetails='{"ServiceType": "Standard_NC24'),
        # storage: not a VM
        dict(base, ChargePeriodStart="2026-11-01T00:00:00Z", ChargePeriodEnd="2026-11-02T00:00:00Z",
             ChargeCategory="Usage", ConsumedQuantity="3", ConsumedUnit="GB/Month",
             ServiceName="Storage Accounts", SkuId="1099985", x_SkuDetails=""),
    ]
    write("azure_focus.csv", cols, rows)


def google():
    cols = F10 + ["x_ExportTime", "x_ServiceId"]
    cud = "projects/acme-ml/regions/us-central1/commitments/cud-l4-1"
    base = dict(BillingAccountId="01ABCD-234567-89EF01", BillingCurrency="USD",
                ProviderName="Google Cloud", PublisherName="Google Cloud", RegionId="us-central1",
                ServiceName="Compute Engine", x_ServiceId="6F81-5844-456A",
                ChargeFrequency="Usage-Based")

    def row(h, **kw):
        r = dict(base)
        r.update(ChargePeriodStart="2026-11-01 %02d:00:00 UTC" % h,
                 ChargePeriodEnd="2026-11-01 %02d:00:00 UTC" % (h + 1), ChargeCategory="Usage",
                 ConsumedUnit="seconds", PricingUnit="hour", PricingCategory="standard")
        r.update(kw)
        return r
    rows = [
        # 7200 GPU-seconds of T4 in hour 0: 2 GPUs
        row(0, SkuId="7D5B-1B6B-56B5", ChargeDescription="Nvidia Tesla T4 GPU running in Americas",
            ConsumedQuantity="7200", PricingQuantity="2", EffectiveCost="0.7"),
        # 4 A100 80GB for hour 0
        row(0, SkuId="AEBF-2E3F-B3A0",
            ChargeDescription="Nvidia Tesla A100 80GB GPU running in Americas",
            ConsumedQuantity="14400", PricingQuantity="4", EffectiveCost="15.7"),
        # the VM's cores and RAM are billed apart: not GPUs
        row(0, SkuId="2E27-4F75-95CD", ChargeDescription="N1 Predefined Instance Core running in Americas",
            ConsumedQuantity="28800", PricingQuantity="8", EffectiveCost="0.25"),
        row(0, SkuId="6C71-0C2B-A1C6", ChargeDescription="N1 Predefined Instance Ram running in Americas",
            ConsumedQuantity="110595407872000", ConsumedUnit="byte-seconds", PricingUnit="gibibyte hour",
            PricingQuantity="30", EffectiveCost="0.13"),
        # half an hour of a spot L4 in hour 1: 0.5
        row(1, SkuId="9B3E-7C4A-0D11", ChargeDescription="Spot Preemptible Nvidia L4 GPU running in Americas",
            PricingCategory="dynamic", ConsumedQuantity="1800", PricingQuantity="0.5",
            EffectiveCost="0.1"),
        # the CUD's own fee row, then an L4 it covers for hour 1: 1 GPU, 0.56/h
        row(1, SkuId="A1C4-8B9E-FE01", ChargeDescription="Commitment v1: Nvidia L4 GPU in Americas for 1 Year",
            PricingCategory="committed", ConsumedQuantity="3600", PricingQuantity="1",
            CommitmentDiscountId=cud, CommitmentDiscountType="Committed Use Discount",
            CommitmentDiscountCategory="Usage", EffectiveCost="0.56"),
        row(1, SkuId="0C4E-AB3F-77D2", ChargeDescription="Nvidia L4 GPU running in Americas",
            PricingCategory="committed", ConsumedQuantity="3600", PricingQuantity="1",
            CommitmentDiscountId=cud, CommitmentDiscountStatus="Used",
            CommitmentDiscountType="Committed Use Discount", CommitmentDiscountCategory="Usage",
            EffectiveCost="0.56"),
        # a GPU SKU no table knows: listed by SkuId
        row(1, SkuId="F00D-0000-0001", ChargeDescription="Nvidia RTX Nova GPU running in Americas",
            ConsumedQuantity="3600", PricingQuantity="1", EffectiveCost="1"),
        # a credit with a quantity does not count
        row(0, ChargeCategory="Credit", SkuId="7D5B-1B6B-56B5",
            ChargeDescription="Nvidia Tesla T4 GPU running in Americas", ConsumedQuantity="3600",
            EffectiveCost="-0.35"),
    ]
    write("gcp_focus.csv", cols, rows)


aws10()
aws12()
azure()
google()
