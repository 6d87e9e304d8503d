import type { z } from 'zod';
import type { simulationOut } from '../../../../src/contract/simulations.ts';

export type SimulationReport = z.output<typeof simulationOut>;
export type SimRun = SimulationReport['current'];
