// Placeholder until the local-stack issue lands (webhook + SQS emulator + worker + API simulators).
console.log('crm-sync local stack: not yet available (see the open issue "npm start").');
