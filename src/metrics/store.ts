// doctor's last findings, kept for the textfile (the path in state.ts).
import { readJson, statePaths, writeJson } from '../state.js';

export interface DoctorSeen {
  at: string;
  findings: { id: string; severity: string }[];
}
const isDoctor = (v: unknown): v is DoctorSeen => Array.isArray((v as DoctorSeen | null)?.findings);
export const loadDoctor = (state: string) => readJson(statePaths(state).doctorFindings, isDoctor, 'doctor findings');
export const saveDoctor = (state: string, d: DoctorSeen) => writeJson(statePaths(state).doctorFindings, d);
