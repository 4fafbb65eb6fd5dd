// The actions the emulator answers, by Query `Action` name.

import type { ActionDefinition } from './context.js';
import { DescribeImageAttribute } from './describe-image-attribute.js';
import { DescribeImages } from './describe-images.js';
import { DescribeInstances } from './describe-instances.js';
import { DescribeRegions } from './describe-regions.js';
import { AssumeRole } from './assume-role.js';
import { GetCallerIdentity } from './get-caller-identity.js';
import { GetInstanceMetadataDefaults } from './get-instance-metadata-defaults.js';
import { DescribeLaunchTemplates, DescribeLaunchTemplateVersions } from './launch-templates.js';
import { ModifyImageAttribute } from './modify-image-attribute.js';
import { RegisterImage } from './register-image.js';

export const EC2_ACTIONS: Record<string, ActionDefinition> = {
  DescribeImages,
  DescribeImageAttribute,
  DescribeInstances,
  DescribeLaunchTemplates,
  DescribeLaunchTemplateVersions,
  DescribeRegions,
  GetInstanceMetadataDefaults,
  ModifyImageAttribute,
  RegisterImage,
};

export const STS_ACTIONS: Record<string, ActionDefinition> = {
  AssumeRole,
  GetCallerIdentity,
};

export type { ActionContext, ActionDefinition } from './context.js';
