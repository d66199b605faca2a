// Stands in for `jmeter` in tests: takes the arguments the service passes, makes one request to
// the -JTARGET_URL property, writes the -l results file in JMeter's CSV format and exits 0 either
// way, as JMeter does.
import { readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const arg = (name) => args[args.indexOf(name) + 1];
const target = args.find((a) => a.startsWith('-JTARGET_URL='))?.slice('-JTARGET_URL='.length);
if (!args.includes('-n') || !arg('-t') || !arg('-l') || !target) {
  console.error(`jmeter stand-in: unexpected arguments ${args.join(' ')}`);
  process.exit(1);
}
// The service wrote the definition it read from Keptn where it pointed JMeter.
if (!readFileSync(arg('-t'), 'utf8').includes('<jmeterTestPlan')) {
  console.error(`jmeter stand-in: ${arg('-t')} is no test plan`);
  process.exit(1);
}
const code = await fetch(target).then(
  (res) => res.status,
  () => 'Non HTTP response code: java.net.ConnectException',
);
const ok = code === 200;
const header = 'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage';
const row = `${Date.now()},4,home page,${code},"${ok ? 'OK' : 'Internal, Server Error'}",Users 1-1,text,${ok},`;
writeFileSync(arg('-l'), `${header}\n${row}\n`);
