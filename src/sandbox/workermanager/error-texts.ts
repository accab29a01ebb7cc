// Error texts REGARDS workers really produce (worker messages joined with ",", or a Java stack trace from the DLQ,
// worker-manager.md §3). Ids, numbers and timestamps vary inside them, so only a normalised text groups them.
import type {Random} from '../random.js'

export type ErrorKind = 'corruptZip' | 'storageTimeout' | 'dlqStackTrace' | 'sipMissingAttribute' | 'checksum' | 'noContent' | 'invalidMissingField' | 'invalidJson'

/** Transient errors succeed when retried; the others fail again (same kind, fresh numbers). */
export const TRANSIENT: ReadonlySet<ErrorKind> = new Set(['storageTimeout'])

/** The error kinds a worker type's failures take (unknown types: the generic ones). */
export function errorKindsFor(workerType: string | null): ErrorKind[] {
  switch (workerType) {
    case 'lta-product-zip-extraction-worker':
      return ['corruptZip', 'storageTimeout', 'dlqStackTrace']
    case 'lta-sip-generator-worker':
      return ['sipMissingAttribute', 'storageTimeout']
    case 'ingest-checker-worker':
      return ['checksum']
    default:
      return ['storageTimeout', 'dlqStackTrace']
  }
}

export const INVALID_KINDS: ErrorKind[] = ['invalidMissingField', 'invalidJson']

/** A small deterministic hash (FNV-1a) for per-request randomness independent of call order. */
export function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

const MISSIONS = ['SWOT', 'SENTINEL6', 'CFOSAT', 'SMOS']
const ATTRIBUTES = ['mission', 'productType', 'startDate', 'checksum']
const FIELDS = ['productUrl', 'checksum', 'productName', 'session']

export function errorText(kind: ErrorKind, rnd: Random, requestId: string, at: number): string {
  const n = (max: number) => Math.floor(rnd.next() * max)
  const pick = <T>(list: T[]) => list[n(list.length)]!
  const product = () => `${pick(MISSIONS)}_L2_${20240000 + n(9999)}_${String(n(100000)).padStart(5, '0')}`
  switch (kind) {
    case 'corruptZip':
      return `Error during extraction of product ${product()}: zip file /data/lta/in/${rnd.uuid()}.zip is corrupted (CRC mismatch at entry ${n(400)})`
    case 'storageTimeout':
      return `Timeout after ${(1 + n(6)) * 10000} ms waiting for rs-storage response at ${new Date(at - n(3_600_000)).toISOString()} (request ${requestId})`
    case 'sipMissingAttribute':
      return `SIP generation failed for product ${product()},Missing mandatory attribute '${pick(ATTRIBUTES)}' at line ${1 + n(300)}`
    case 'checksum':
      return `Checksum mismatch for file ${product()}.nc: expected md5 ${rnd.hex(32).toLowerCase()} but got ${rnd.hex(32).toLowerCase()}`
    case 'noContent':
      return `Workflow step ${1 + n(2)} returned no content for request ${requestId}`
    case 'invalidMissingField':
      return `Invalid request content,Field '${pick(FIELDS)}' is missing or null`
    case 'invalidJson':
      return `Invalid request content,Unexpected character ('}' (code 125)) at line 1, column ${10 + n(2000)}`
    case 'dlqStackTrace':
      return [
        `org.springframework.amqp.rabbit.support.ListenerExecutionFailedException: Listener method 'public void fr.cnes.regards.framework.amqp.batch.RabbitBatchMessageListener.onMessage(org.springframework.amqp.core.Message,com.rabbitmq.client.Channel)' threw exception`,
        '\tat org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer.wrapToListenerExecutionFailedExceptionIfNeeded(AbstractMessageListenerContainer.java:1758)',
        '\tat org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer.doInvokeListener(AbstractMessageListenerContainer.java:1648)',
        '\tat org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer.doReceiveAndExecute(SimpleMessageListenerContainer.java:1030)',
        '\tat java.base/java.lang.Thread.run(Thread.java:833)',
        `Caused by: fr.cnes.regards.modules.lta.worker.ExtractionException: Cannot extract archive /data/lta/in/${rnd.uuid()}.zip (delivery tag ${1 + n(90000)})`,
        '\tat fr.cnes.regards.modules.lta.worker.ZipExtractionService.extract(ZipExtractionService.java:142)',
        '\t... 12 more',
        'Caused by: java.lang.NullPointerException: Cannot invoke "java.nio.file.Path.toFile()" because "archivePath" is null',
        '\tat fr.cnes.regards.modules.lta.worker.ZipExtractionService.unzip(ZipExtractionService.java:201)',
        '\t... 14 more',
      ].join('\n')
  }
}
