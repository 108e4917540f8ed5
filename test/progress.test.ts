// The training display's pure parts: the status line fits any terminal width and keeps the
// ELBO and the ETA longest; the resume command quotes what a shell would split.
import { describe, expect, it } from 'vitest';
import { clock, epochLine, statusLine, type RunPlan } from '../cli/progress.js';
import { resumeCommand, shellQuote } from '../cli/resume-hint.js';
import type { StepInfo } from '../api/index.js';

const info: StepInfo = { epoch: 3, stepInEpoch: 40, stepsInEpoch: 80, totalStep: 200, elbo: -101.5, runningElbo: -102.25, samplesPerSecond: 5321 };
const plan: RunPlan = { epochs: 10, totalSteps: 800, startStep: 0 };

describe('the status line', () => {
  it('fits every width from 20 to 200 columns and keeps the ELBO and ETA as long as they fit', () => {
    for (let columns = 20; columns <= 200; columns++) {
      const line = statusLine(info, plan, 65, 195, columns);
      expect(line.length, `${columns} columns: ${line}`).toBeLessThan(columns);
      if (columns >= 60) expect(line).toMatch(/ELBO -102\.25.*ETA 3:15/);
    }
    expect(statusLine(info, plan, 65, 195, 200)).toBe('epoch 3/10 [########----------------------] 25% | ELBO -102.25 | ETA 3:15 | 1:05 elapsed | step 200/800 | 5321 samples/s');
    expect(statusLine(info, plan, 65, 195, 50)).toBe('epoch 3/10 25% | ELBO -102.25 | ETA 3:15');
  });

  it('shows the progress of a resumed run over the whole run, and formats times', () => {
    expect(statusLine(info, { ...plan, startStep: 100 }, 1, 1, 200)).toContain(' 25% ');
    expect([clock(5), clock(75), clock(3725), clock(NaN)]).toEqual(['0:05', '1:15', '1:02:05', '--:--']);
  });

  it('leaves out the test ELBO of an epoch without a test set', () => {
    const r = { epoch: 2, steps: 3, trainElbo: -0.7, testElbo: NaN, seconds: 0.1, samplesPerSecond: 100 };
    expect(epochLine(r, 5)).toBe('epoch 2/5  train ELBO -0.70 nats/datapoint  0.1 s  100 samples/s');
  });
});

describe('the resume command', () => {
  it('is the command given, without --resume and --out, then --out DIR --resume, quoted for a shell', () => {
    const args = ['train', 'm.ppl', '--data', 'csv:my data.csv;test-fraction=0', '--out=old', '--steps', '500', '--resume', '--out', 'x'];
    expect(resumeCommand(args, 'runs/m/run-2')).toMatch(/^(npx )?ppl train m\.ppl --data 'csv:my data\.csv;test-fraction=0' --steps 500 --out runs\/m\/run-2 --resume$/);
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
