// The commercial AWS regions the emulator knows by default, and whether each needs opt-in.
// Regions launched before March 2019 are enabled in every account ("opt-in-not-required");
// later ones must be enabled per account, and calls into a region that is not enabled fail.

export const DEFAULT_REGIONS: ReadonlyArray<{ name: string; optInRequired: boolean }> = [
  ...[
    'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
    'ca-central-1', 'sa-east-1',
    'eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1',
    'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
    'ap-southeast-1', 'ap-southeast-2',
  ].map((name) => ({ name, optInRequired: false })),
  ...[
    'af-south-1', 'ap-east-1', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5',
    'ap-southeast-7', 'ca-west-1', 'eu-central-2', 'eu-south-1', 'eu-south-2', 'il-central-1',
    'me-central-1', 'me-south-1', 'mx-central-1',
  ].map((name) => ({ name, optInRequired: true })),
];

/** The EC2 endpoint host EC2 reports for a region in DescribeRegions. */
export function regionEndpoint(region: string): string {
  return `ec2.${region}.amazonaws.com`;
}
