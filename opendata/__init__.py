"""Open data in and out: imports of SAMHSA and Open Referral (HSDS) files, and the HSDS API and package."""
