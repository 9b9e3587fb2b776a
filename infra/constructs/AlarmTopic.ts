import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /** An address subscribed to the topic (it must confirm the subscription); none when unset. */
  readonly alarmEmail?: string;
}

/**
 * The SNS topic every crm-sync alarm notifies: KMS-encrypted (a rotated key CloudWatch may use — the AWS
 * managed SNS key does not allow CloudWatch), TLS-only, optionally with an e-mail subscription. The alarms
 * themselves are made by `SyncAlarms`.
 *
 * @example
 * const alarms = new AlarmTopic(this, 'Alarms', { alarmEmail: 'ops@example.com' });
 * new SyncAlarms(this, 'SyncAlarms', { topic: alarms.topic, specs });
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the crm-sync alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarm-encrypted-sns
    // Only CloudWatch acting for this account's alarms may use the key (confused-deputy guard).
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } };
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromThisAccount,
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'crm-sync alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromThisAccount,
      }),
    );
    if (props.alarmEmail !== undefined) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
  }
}
