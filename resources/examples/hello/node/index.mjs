// Module-level code runs once per execution environment, during the cold start.
const started = Date.now();
let invocations = 0;

export const handler = async (event, context) => {
  invocations += 1;
  const name = event.name ?? 'world';
  console.log(`greeting ${name} (invocation ${invocations} of this environment)`);
  return {
    message: `${process.env.GREETING ?? 'Hello'}, ${name}!`,
    stage: process.env.STAGE,
    invocationsInThisEnvironment: invocations,
    environmentAgeMs: Date.now() - started,
    requestId: context.awsRequestId,
    remainingTimeMs: context.getRemainingTimeInMillis(),
  };
};
