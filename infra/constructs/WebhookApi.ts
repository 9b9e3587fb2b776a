import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DIMENSION, METRIC, METRICS_NAMESPACE, SERVICE_NAMES } from '../../lib/observability/names.ts';

export interface WebhookApiProps {
  /** The webhook function (payload format 2.0). */
  readonly handler: lambda.IFunction;
  /** Steady-state requests per second across the API. */
  readonly rateLimit: number;
  /** Requests allowed in a burst above the rate. */
  readonly burstLimit: number;
  readonly logRetention: logs.RetentionDays;
  /** The stack's name: the `stack` field of every access log line and dimension of `WebhookThrottled`. */
  readonly stackName: string;
}

/** The path the CRM posts to (every method reaches the function, which answers 405 to non-POSTs). */
export const WEBHOOK_PATH = '/webhook';

/**
 * An API Gateway HTTP API in front of the webhook function: one route `ANY /webhook`, a `$default` stage
 * with throttling and JSON access logs. Requests are authenticated by the function (Standard Webhooks
 * signature on the raw body), so the route has no API Gateway authorizer. The requests API Gateway throttles
 * (429) never reach the function: a metric filter on the access logs counts them as `WebhookThrottled`.
 *
 * @example
 * const api = new WebhookApi(this, 'Webhook', { handler: fn, rateLimit: 50, burstLimit: 100, logRetention, stackName });
 * api.url; // https://abc.execute-api.eu-west-1.amazonaws.com/webhook
 */
export class WebhookApi extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  /** The URL to configure in the CRM. */
  readonly url: string;
  readonly accessLogs: logs.LogGroup;
  readonly #stackName: string;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    this.#stackName = props.stackName;
    this.httpApi = new apigwv2.HttpApi(this, 'Api', {
      description: 'crm-sync webhook: signed CloudEvents from the CRM onto the event queue',
      createDefaultStage: false,
    });
    const route = this.httpApi.addRoutes({
      path: WEBHOOK_PATH,
      methods: [apigwv2.HttpMethod.ANY],
      integration: new HttpLambdaIntegration('Webhook', props.handler),
    });
    for (const r of route) {
      Validations.of(r).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'The CRM authenticates with a Standard Webhooks HMAC signature on the raw body, verified by the function ' +
          '(401 otherwise); an API Gateway authorizer cannot check a body signature.',
      });
    }
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(accessLogFormat(props.stackName)),
      },
    });
    this.url = `${this.stage.url.replace(/\/$/, '')}${WEBHOOK_PATH}`;
    new logs.MetricFilter(this, 'ThrottledFilter', {
      logGroup: this.accessLogs,
      filterPattern: logs.FilterPattern.numberValue('$.status', '=', 429),
      metricNamespace: METRICS_NAMESPACE,
      metricName: METRIC.webhookThrottled,
      metricValue: '1',
      dimensions: { service: '$.service', [DIMENSION.stack]: `$.${DIMENSION.stack}` },
    });
  }

  /** Requests API Gateway answered 429 (throttled), from the access logs. */
  metricThrottled(options: { period?: Duration } = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: METRIC.webhookThrottled,
      dimensionsMap: { service: SERVICE_NAMES.webhook, [DIMENSION.stack]: this.#stackName },
      statistic: 'Sum',
      period: options.period ?? Duration.minutes(5),
    });
  }
}

/**
 * One JSON line per request: what an operator looks for (status, route, latency, the function's own status) and
 * two constants, `service` and `stack`, that the metric filter turns into the metric's dimensions. No headers,
 * no body, no query string: nothing personal. `status` is unquoted so the filter compares it as a number.
 */
function accessLogFormat(stackName: string): string {
  const fields = {
    requestId: '"$context.requestId"',
    time: '"$context.requestTime"',
    ip: '"$context.identity.sourceIp"',
    route: '"$context.routeKey"',
    status: '$context.status',
    responseLength: '"$context.responseLength"',
    integrationStatus: '"$context.integrationStatus"',
    latencyMs: '"$context.responseLatency"',
    error: '"$context.error.message"',
    service: `"${SERVICE_NAMES.webhook}"`,
    [DIMENSION.stack]: `"${stackName}"`,
  };
  return `{${Object.entries(fields)
    .map(([key, value]) => `"${key}":${value}`)
    .join(',')}}`;
}
