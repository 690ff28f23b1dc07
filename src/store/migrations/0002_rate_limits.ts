import type { Migration } from './types.js';

/**
 * The shared rate limiter's state (`src/http/rate-limit/postgres.ts`): one row per hashed key
 * (`ghl:…`, `cin7:…`, never a key in clear), holding the times in ms at which each slot is free.
 *
 * `http_rate_limit_take` is the hot path, run inside the server so the row lock is held for
 * microseconds rather than across client round trips (which stretch when a worker is busy).
 * It mirrors `takeFree`/`resize` in `src/http/rate-limit/slots.ts`: slot indices are 0-based in
 * its answer; a row with `idx = -1` says how long until the earliest slot frees.
 */
export const migration: Migration = {
  id: '0002_rate_limits',
  up: `
CREATE TABLE IF NOT EXISTS http_rate_limits (
  key text PRIMARY KEY,
  slots bigint[] NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE OR REPLACE FUNCTION http_rate_limit_take(p_key text, p_limit int, p_hold_ms bigint, p_count int)
RETURNS TABLE (idx int, token bigint, wait_ms bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_slots bigint[];
  v_len int;
  v_now bigint;
  v_taken int := 0;
  v_earliest bigint;
  i int;
BEGIN
  SELECT t.slots INTO v_slots FROM http_rate_limits t WHERE t.key = p_key FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO http_rate_limits (key, slots) VALUES (p_key, '{}') ON CONFLICT (key) DO NOTHING;
    SELECT t.slots INTO v_slots FROM http_rate_limits t WHERE t.key = p_key FOR UPDATE;
  END IF;
  v_now := floor(extract(epoch from clock_timestamp()) * 1000)::bigint;
  v_len := coalesce(array_length(v_slots, 1), 0);
  IF v_len > p_limit THEN
    v_slots := v_slots[1:p_limit];
  END IF;
  WHILE coalesce(array_length(v_slots, 1), 0) < p_limit LOOP
    v_slots := v_slots || 0::bigint;
  END LOOP;
  FOR i IN 1..p_limit LOOP
    IF v_taken < p_count AND v_slots[i] <= v_now THEN
      v_slots[i] := v_now + p_hold_ms;
      v_taken := v_taken + 1;
      idx := i - 1;
      token := v_now + p_hold_ms;
      wait_ms := 0;
      RETURN NEXT;
    END IF;
  END LOOP;
  IF v_taken > 0 OR v_len <> p_limit THEN
    UPDATE http_rate_limits SET slots = v_slots, updated_at = now() WHERE key = p_key;
  END IF;
  IF v_taken < p_count THEN
    FOR i IN 1..p_limit LOOP
      IF v_slots[i] > v_now AND (v_earliest IS NULL OR v_slots[i] < v_earliest) THEN
        v_earliest := v_slots[i];
      END IF;
    END LOOP;
    idx := -1;
    token := 0;
    wait_ms := coalesce(v_earliest - v_now, 0);
    RETURN NEXT;
  END IF;
END;
$fn$;
`,
};
